package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operator image bin/images builds, started by podman with the securityContext, volumes and
 * environment of the Deployment in manifests/operator/deployment.yaml. No cluster is reachable from
 * the container: the operator keeps trying to win its Lease, and its liveness endpoint answers.
 */
class OperatorImageIT {

  private Podman podman;
  private String name;

  @AfterEach
  void remove() {
    if (name != null) {
      podman.remove(name);
    }
  }

  @Test
  void startsWithTheDeploymentsSecurityContextAndAnswersHealthz() throws Exception {
    podman = Podman.require();
    String image = podman.load("pi-pool-operator", Platforms.host());
    Deployment deployment =
        new ObjectMapper(new YAMLFactory())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .readValue(Repo.read("manifests/operator/deployment.yaml"), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    Container operator = pod.getContainers().get(0);
    int port = freePort();

    name = "pipool-it-operator-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name));
    args.addAll(Podman.RUN_LIMITS);
    args.addAll(Podman.securityFlags(pod.getSecurityContext(), operator.getSecurityContext()));
    for (Volume v : pod.getVolumes()) {
      assertThat(v.getEmptyDir())
          .as("volume %s: only emptyDirs are expected", v.getName())
          .isNotNull();
      String path =
          operator.getVolumeMounts().stream()
              .filter(m -> m.getName().equals(v.getName()))
              .findFirst()
              .orElseThrow()
              .getMountPath();
      args.addAll(List.of("--tmpfs", path + ":size=16m"));
    }
    for (EnvVar e : operator.getEnv()) {
      // the downward API's namespace, filled in as the kubelet would
      String value =
          e.getValueFrom() != null ? deployment.getMetadata().getNamespace() : e.getValue();
      args.addAll(List.of("--env", e.getName() + "=" + value));
    }
    int containerPort = operator.getPorts().get(0).getContainerPort();
    args.addAll(
        List.of(
            "--network", "slirp4netns", "--publish", "127.0.0.1:" + port + ":" + containerPort));
    args.add(image);
    Podman.Run run = podman.podman(120, args);
    assertThat(run.exit()).as("podman %s: %s", args, run.output()).isZero();

    HttpResponse<String> health =
        Podman.awaitHttp(
            "http://127.0.0.1:" + port + "/healthz", Duration.ofSeconds(90), podman, name);
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);

    long pid = podman.pid(name);
    assertThat(Podman.procStatus(pid, "Uid").split("\\s+")).containsOnly("65532");
    assertThat(Podman.procStatus(pid, "Gid").split("\\s+")).containsOnly("65532");
    assertThat(Podman.procStatus(pid, "CapEff")).isEqualTo("0000000000000000");
    assertThat(Podman.procStatus(pid, "NoNewPrivs")).isEqualTo("1");
    assertThat(Podman.rootMountOptions(pid)).contains("ro");
    Podman.Run user = podman.podman(30, "image", "inspect", "--format", "{{.Config.User}}", image);
    assertThat(user.output().strip()).isEqualTo("65532:65532");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
