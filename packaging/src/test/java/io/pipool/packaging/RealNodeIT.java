package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real tier on a real node (bin/node: kubelet, kube-proxy, containerd and runc in a network
 * namespace of their own): the operator runs as installed, its Deployment from manifests/ and its
 * own image, with leader election; a pool's DaemonSet pod runs from the agent image, its init
 * container tunes the node's namespace, the probes pass, the pod watch follows the serving label,
 * traffic through the Service's ClusterIP (kube-proxy) reaches only a serving pod, and deleting the
 * pool runs the restore Job there and puts the node's values back. This machine's own kernel
 * settings are the same afterwards.
 *
 * <p>Needs PIPOOL_IT_KUBECONFIG, PIPOOL_IT_NODE (the path to bin/node, its state variables set the
 * same way) and PIPOOL_IT_NODE_NAME; bin/test sets them when the node came up.
 */
class RealNodeIT {

  private static final Duration LONG = Duration.ofMinutes(4);
  private static final String NS = "real-node-it";
  private static final String POOL = "edge";

  /** Host settings the node's parts could touch, and the ones the pool writes. */
  private static final List<String> HOST = new ArrayList<>(SysctlRules.HIGH_CONCURRENCY.keySet());

  static {
    HOST.addAll(
        List.of(
            SysctlRules.RESERVED_PORTS,
            "vm.overcommit_memory",
            "kernel.panic",
            "kernel.panic_on_oops",
            "net.ipv4.ip_forward",
            "net.ipv4.conf.all.route_localnet"));
  }

  @Test
  void aPoolRunsOnARealKubeletFromTheProjectsImages() throws Exception {
    String kubeconfig = System.getenv("PIPOOL_IT_KUBECONFIG");
    String nodeScript = System.getenv("PIPOOL_IT_NODE");
    String node = System.getenv("PIPOOL_IT_NODE_NAME");
    if (kubeconfig == null || nodeScript == null || node == null) {
      System.out.println(
          "SKIPPED RealNodeIT: PIPOOL_IT_KUBECONFIG, PIPOOL_IT_NODE and PIPOOL_IT_NODE_NAME are"
              + " not all set (bin/test sets them when bin/node came up)");
      return;
    }
    Map<String, String> hostBefore = hostValues();
    try (KubernetesClient k =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig))))
            .build()) {
      installOperator(k);
      await("the operator's Deployment available on the real node")
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> operatorReady(k, node));

      k.namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .serverSideApply();
      Map<String, String> nodeBefore = nodeValues(nodeScript);
      k.resources(PiServerPool.class).inNamespace(NS).resource(pool(node, 1)).create();

      await("the agent pod running and ready on " + node)
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> agentPod(k, node) != null && ready(agentPod(k, node)));
      Pod agent = agentPod(k, node);
      assertThat(agent.getStatus().getInitContainerStatuses())
          .allSatisfy(s -> assertThat(s.getState().getTerminated().getExitCode()).isZero());

      // the init container tuned the node's namespace and reserved the agent's ports there
      Map<String, String> tuned = nodeValues(nodeScript);
      assertThat(tuned).containsAllEntriesOf(normalised(SysctlRules.HIGH_CONCURRENCY));
      assertThat(tuned.get(SysctlRules.RESERVED_PORTS)).contains("8080").contains("9090");

      String ip = agent.getStatus().getPodIP();
      await("the agent serves: label followed by its pod watch, /v1/status says so")
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(
              () ->
                  run(nodeScript, "exec", "curl", "-s", "http://" + ip + ":9090/v1/status")
                      .contains("\"servingMode\":\"Serving\""));

      String clusterIp = k.services().inNamespace(NS).withName(POOL).get().getSpec().getClusterIP();
      await("traffic through the ClusterIP " + clusterIp + " reaches the serving pod")
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> curlCode(nodeScript, "http://" + clusterIp + "/").equals("200"));

      k.resources(PiServerPool.class)
          .inNamespace(NS)
          .withName(POOL)
          .edit(
              p -> {
                p.getSpec().setReplicas(0);
                return p;
              });
      await("no traffic through the ClusterIP once the only pod is out of rotation")
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> !curlCode(nodeScript, "http://" + clusterIp + "/").equals("200"));

      k.resources(PiServerPool.class).inNamespace(NS).withName(POOL).delete();
      await("the restore Job succeeded on the real node")
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> restoreSucceeded(k, node));
      await("the node's namespace has its own values back")
          .atMost(LONG)
          .pollInterval(Duration.ofSeconds(2))
          .until(() -> nodeValues(nodeScript).equals(nodeBefore));
    }
    assertThat(hostValues()).as("this machine's own kernel settings").isEqualTo(hostBefore);
  }

  private static PiServerPool pool(String node, int replicas) {
    PiServerPool p = new PiServerPool();
    p.getMetadata().setName(POOL);
    p.getMetadata().setNamespace(NS);
    PiServerPoolSpec spec = new PiServerPoolSpec();
    spec.setNodeSelector(Map.of("kubernetes.io/hostname", node));
    spec.setReplicas(replicas);
    p.setSpec(spec);
    return p;
  }

  /** manifests/ as `kubectl apply -k` would, less what a 1.20 API server lacks (policy/v1). */
  private static void installOperator(KubernetesClient k) {
    String rendered = Kubectl.kustomize(Repo.path("manifests"));
    List<HasMetadata> objects =
        k.load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8))).items();
    for (HasMetadata o : objects) {
      if (o.getKind().equals("PodDisruptionBudget") || o.getKind().equals("PrometheusRule")) {
        continue;
      }
      // a plain create, as `kubectl create --validate=false`: server-side apply would refuse the
      // CRD's x-kubernetes-validations, unknown to v1.20 (what a rerun finds installed stays)
      if (k.resource(o).get() == null) {
        k.resource(o).create();
      }
    }
  }

  private static boolean operatorReady(KubernetesClient k, String node) {
    Deployment d =
        k.apps().deployments().inNamespace("pi-pool-system").withName("pi-pool-operator").get();
    if (d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null) {
      return false;
    }
    return k.pods().inNamespace("pi-pool-system").list().getItems().stream()
        .anyMatch(p -> node.equals(p.getSpec().getNodeName()) && ready(p));
  }

  private static Pod agentPod(KubernetesClient k, String node) {
    return k.pods().inNamespace(NS).list().getItems().stream()
        .filter(p -> node.equals(p.getSpec().getNodeName()))
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> o.getKind().equals("DaemonSet")))
        .findFirst()
        .orElse(null);
  }

  private static boolean ready(Pod p) {
    return p.getStatus() != null
        && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  /** The restore Job's completion, from its Event: the Job itself goes with the pool. */
  private static boolean restoreSucceeded(KubernetesClient k, String node) {
    return k.v1().events().inNamespace(NS).list().getItems().stream()
        .anyMatch(
            e ->
                "Job".equals(e.getInvolvedObject().getKind())
                    && e.getInvolvedObject().getName().equals(POOL + "-restore-" + node)
                    && "Completed".equals(e.getReason()));
  }

  private static Map<String, String> normalised(Map<String, String> m) {
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((key, v) -> out.put(key, SysctlRules.normalise(v)));
    return out;
  }

  private static Map<String, String> nodeValues(String nodeScript) throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : HOST) {
      out.put(
          name,
          SysctlRules.normalise(
              run(nodeScript, "exec", "cat", "/proc/sys/" + name.replace('.', '/'))));
    }
    return out;
  }

  private static Map<String, String> hostValues() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : HOST) {
      out.put(
          name,
          SysctlRules.normalise(Files.readString(Path.of("/proc/sys", name.replace('.', '/')))));
    }
    return out;
  }

  private static String curlCode(String nodeScript, String url) throws Exception {
    return run(
            nodeScript,
            "exec",
            "curl",
            "-s",
            "-o",
            "/dev/null",
            "-m",
            "3",
            "-w",
            "%{http_code}",
            url)
        .trim();
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 30 s");
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
