package io.pipool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.pipool.api.agent.AgentVariables;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DaemonSetModelTest {

  static Stream<Arguments> volumesBySpec() {
    return Stream.of(
        Arguments.of(
            "echo",
            (Consumer<PiServerPool>) p -> {},
            List.of("config", "host-proc-sys", "state", "tmp")),
        Arguments.of(
            "static",
            (Consumer<PiServerPool>)
                p -> {
                  p.getSpec().getServer().setMode(ServerSpec.Mode.Static);
                  p.getSpec().getServer().setStaticConfigMap("site");
                },
            List.of("config", "host-proc-sys", "state", "tmp", "static")),
        Arguments.of(
            "tls",
            (Consumer<PiServerPool>) p -> p.getSpec().getServer().setTlsSecret("web-tls"),
            List.of("config", "host-proc-sys", "state", "tmp", "tls")),
        Arguments.of(
            "static ConfigMap named but mode Echo",
            (Consumer<PiServerPool>) p -> p.getSpec().getServer().setStaticConfigMap("site"),
            List.of("config", "host-proc-sys", "state", "tmp")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("volumesBySpec")
  void volumesFollowTheServerMode(
      String name, Consumer<PiServerPool> change, List<String> volumes) {
    PiServerPool pool = Fixtures.stored("ns", "web");
    change.accept(pool);
    DaemonSet ds = DaemonSetModel.daemonSet(pool, "img:1");
    var spec = ds.getSpec().getTemplate().getSpec();
    assertThat(spec.getVolumes()).extracting(Volume::getName).containsExactlyElementsOf(volumes);
    // every volume the server mounts exists, and the server never mounts host paths writable
    Container agent = spec.getContainers().get(0);
    assertThat(agent.getVolumeMounts()).extracting(VolumeMount::getName).isSubsetOf(volumes);
    assertThat(agent.getVolumeMounts())
        .filteredOn(m -> List.of("host-proc-sys", "state", "config").contains(m.getName()))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue());
  }

  static Stream<Arguments> images() {
    return Stream.of(
        Arguments.of(null, "pipool/node-agent:0.1.0"),
        Arguments.of("", "pipool/node-agent:0.1.0"),
        Arguments.of("me/agent:dev", "me/agent:dev"));
  }

  @ParameterizedTest(name = "spec.image={0}")
  @MethodSource("images")
  void theImageIsTheSpecsOrTheOperatorDefault(String specImage, String expected) {
    PiServerPool pool = Fixtures.stored("ns", "web");
    pool.getSpec().setImage(specImage);
    var spec =
        DaemonSetModel.daemonSet(pool, "pipool/node-agent:0.1.0").getSpec().getTemplate().getSpec();
    assertThat(spec.getInitContainers().get(0).getImage()).isEqualTo(expected);
    assertThat(spec.getContainers().get(0).getImage()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resources")
  void resourcesDefaultToAPiSizeUnlessTheSpecSetsThem(
      String name, boolean custom, String cpuLimit, String memLimit) {
    PiServerPool pool = Fixtures.stored("ns", "web");
    if (custom) {
      pool.getSpec()
          .setResources(
              new ResourceRequirementsBuilder()
                  .addToLimits("cpu", new Quantity("2"))
                  .addToLimits("memory", new Quantity("512Mi"))
                  .build());
    }
    Container agent =
        DaemonSetModel.daemonSet(pool, "img")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(agent.getResources().getLimits())
        .containsEntry("cpu", new Quantity(cpuLimit))
        .containsEntry("memory", new Quantity(memLimit));
  }

  static Stream<Arguments> resources() {
    return Stream.of(
        Arguments.of("default", false, "1", "192Mi"), Arguments.of("custom", true, "2", "512Mi"));
  }

  static Stream<Arguments> hashInputs() {
    return Stream.of(
        Arguments.of(
            "sysctl value",
            (Consumer<PiServerPool>)
                p -> p.getSpec().getSysctls().setValues(Map.of("net.core.somaxconn", "8192")),
            true),
        Arguments.of(
            "max connections",
            (Consumer<PiServerPool>) p -> p.getSpec().getServer().setMaxConnections(100),
            true),
        Arguments.of(
            "tls secret",
            (Consumer<PiServerPool>) p -> p.getSpec().getServer().setTlsSecret("t"),
            true),
        Arguments.of("image", (Consumer<PiServerPool>) p -> p.getSpec().setImage("other:2"), true),
        Arguments.of(
            "service port (not in the pods)",
            (Consumer<PiServerPool>) p -> p.getSpec().getService().setPort(8081),
            false),
        Arguments.of(
            "replicas (labels only)",
            (Consumer<PiServerPool>) p -> p.getSpec().setReplicas(5),
            false));
  }

  @ParameterizedTest(name = "{0} rolls the pods: {2}")
  @MethodSource("hashInputs")
  void theConfigHashChangesExactlyWhenThePodsMustRoll(
      String name, Consumer<PiServerPool> change, boolean rolls) {
    PiServerPool pool = Fixtures.stored("ns", "web");
    String before = DaemonSetModel.configHash(pool, "img");
    change.accept(pool);
    assertThat(DaemonSetModel.configHash(pool, "img").equals(before)).isEqualTo(!rolls);
  }

  @Test
  void theKubeletProbesTheAdminPortOnThePodsOwnAddress() {
    PiServerPool pool = Fixtures.stored("ns", "web");
    pool.getSpec().getServer().setAdminPort(9191);
    var spec = DaemonSetModel.daemonSet(pool, "img:1").getSpec().getTemplate().getSpec();
    Container agent = spec.getContainers().get(0);
    // host network: the pod's IP is the node's, so the kubelet connects from the address the
    // agent binds its admin port to, and the agent keeps slots for that address alone
    assertThat(spec.getHostNetwork()).isTrue();
    assertThat(agent.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo(AgentVariables.POD_IP);
              assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");
            });
    assertThat(List.of(agent.getLivenessProbe(), agent.getReadinessProbe()))
        .allSatisfy(
            probe -> {
              assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(9191);
              assertThat(probe.getHttpGet().getHost()).as("the pod's IP").isNull();
            });
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    // /readyz/pod, not /readyz: a standby pod is available, or rolling updates would stall
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz/pod");
    // no probe before the JVM listens: a real kubelet warned "connection refused" at every start
    assertThat(agent.getReadinessProbe().getInitialDelaySeconds()).isPositive();
  }
}
