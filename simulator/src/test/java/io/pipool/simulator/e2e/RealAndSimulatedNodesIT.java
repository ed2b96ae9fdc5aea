package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServiceSpec;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.cluster.PodFacts;
import io.pipool.simulator.net.NodeNetwork;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One pool over a real node (bin/node: kubelet, kube-proxy, containerd; the agent pod from the
 * agent image) and simulated nodes (the simulator's kubelet, real agents in its network namespace)
 * on the same real control plane, with the operator installed as in {@link PoolLifecycleIT}. The
 * real and the simulated agents serve and stand by as the operator decides (label, status phase and
 * the agent's own /v1/status agree); traffic to the Service's ClusterIP, balanced by kube-proxy on
 * the real node, reaches exactly the serving agents; deleting the pool restores the sysctls on the
 * real node (its restore Job) and on the simulated ones; this machine's settings never change.
 *
 * <p>Needs PIPOOL_IT_KUBECONFIG, PIPOOL_IT_NODE (bin/node, its state variables set as for `up`),
 * PIPOOL_IT_NODE_NAME, and root for the simulator's network namespace; bin/test sets them.
 */
class RealAndSimulatedNodesIT {

  private static final String KUBECONFIG = System.getenv("PIPOOL_IT_KUBECONFIG");
  private static final String NODE_SCRIPT = System.getenv("PIPOOL_IT_NODE");
  private static final String REAL_NODE = System.getenv("PIPOOL_IT_NODE_NAME");
  private static final Duration LONG = Duration.ofMinutes(4);
  private static final int SIMULATED = 2;

  /** The label that puts exactly this test's nodes, real and simulated, into its pool. */
  private static final String MEMBER = "pipool.io/mixed-pool-it";

  /** What the pool tunes and reserves, and what the node's own parts could touch on a host. */
  private static final List<String> WATCHED =
      new ArrayList<>(SysctlRules.HIGH_CONCURRENCY.keySet());

  static {
    WATCHED.addAll(
        List.of(
            SysctlRules.RESERVED_PORTS,
            "net.ipv4.ip_forward",
            "net.ipv4.conf.all.route_localnet",
            "vm.overcommit_memory",
            "kernel.panic"));
  }

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  @Test
  // several bounded waits in a row on a real kubelet: more than the module's default of 4 minutes
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void realAndSimulatedAgentsServeAsTheOperatorDecides() throws Exception {
    skipUnless(reasonToSkip());
    Map<String, String> hostBefore = hostValues();
    try (SimCluster c = SimCluster.real(Path.of(KUBECONFIG), SIMULATED, 1, true)) {
      Set<String> nodes = new TreeSet<>(c.sim.nodes().keySet());
      nodes.add(REAL_NODE);
      try {
        node("link", c.sim.network().namespace(), c.sim.network().subnet());
        nodes.forEach(n -> label(c, n, c.ns));
        Map<String, String> realBefore = realNodeValues();
        c.startOperator();
        c.applyExample(
            PoolTuning.none(),
            p -> {
              p.getSpec().setNodeSelector(Map.of(MEMBER, c.ns));
              // the profile only: the example's net.core.netdev_max_backlog is not a sysctl of a
              // network namespace, and the real node lives in one
              p.getSpec().getSysctls().setValues(new LinkedHashMap<>());
              p.getSpec().getAutoscaling().setEnabled(false);
              p.getSpec().setReplicas(nodes.size());
              p.getSpec().getService().setType(ServiceSpec.Type.ClusterIP);
            });
        await("an agent pod running and ready on each of " + nodes)
            .atMost(LONG)
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> readyNodes(c).equals(nodes));
        // the real node's init container tuned its namespace (so the restore below means something)
        Map<String, String> tuned = realNodeValues();
        SysctlRules.HIGH_CONCURRENCY.forEach(
            (name, value) ->
                assertThat(SysctlRules.normalise(tuned.get(name)))
                    .as("%s on the real node", name)
                    .isEqualTo(SysctlRules.normalise(value)));

        // every node serves, the real one too, and the ClusterIP reaches each of them
        awaitAgreement(c, nodes.size());
        awaitClusterIpReachesExactlyTheServing(c);

        // down to one: the real node, whose temperature is unknown here, is the first to stand by
        scale(c, 1);
        Set<String> serving = awaitAgreement(c, 1);
        if (agentStatus(c, REAL_NODE).thermal().temperatureCelsius() == null) {
          assertThat(serving).as("the serving node").doesNotContain(REAL_NODE);
        }
        awaitClusterIpReachesExactlyTheServing(c);

        c.client.resources(PiServerPool.class).inNamespace(c.ns).withName(SimCluster.POOL).delete();
        await("the pool gone after its restore Jobs")
            .atMost(LONG)
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> c.pool() == null);
        assertThat(c.sysctlsNotRestored()).as("the simulated nodes' sysctls").isEmpty();
        await("the real node's namespace has its own values back")
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofSeconds(1))
            .until(() -> realNodeValues().equals(realBefore));
      } finally {
        label(c, REAL_NODE, null);
      }
    }
    assertThat(hostValues()).as("this machine's own kernel settings").isEqualTo(hostBefore);
  }

  private static Optional<String> reasonToSkip() {
    if (KUBECONFIG == null || NODE_SCRIPT == null || REAL_NODE == null) {
      return Optional.of(
          "PIPOOL_IT_KUBECONFIG, PIPOOL_IT_NODE and PIPOOL_IT_NODE_NAME are not all set"
              + " (bin/test sets them when bin/node came up)");
    }
    return NodeNetwork.unavailableReason()
        .map(why -> "no network namespace for the simulated nodes: " + why);
  }

  private static void skipUnless(Optional<String> reason) {
    reason.ifPresent(
        why -> {
          // printed as well, so the skip shows in the build log and not only in the report files
          System.out.println("SKIPPED RealAndSimulatedNodesIT: " + why);
          Assumptions.abort(why);
        });
  }

  private static void label(SimCluster c, String node, String value) {
    String json = value == null ? "null" : "\"" + value + "\"";
    c.client
        .nodes()
        .withName(node)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"labels\":{\"" + MEMBER + "\":" + json + "}}}");
  }

  private static void scale(SimCluster c, int replicas) {
    c.client
        .resources(PiServerPool.class)
        .inNamespace(c.ns)
        .withName(SimCluster.POOL)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":" + replicas + "}}");
  }

  private static Set<String> readyNodes(SimCluster c) {
    return c.agentPods().stream()
        .filter(PodFacts::ready)
        .map(p -> p.getSpec().getNodeName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Waits until {@code count} nodes serve and the operator's label, the pool's status and each
   * agent's own /v1/status say the same of every node (Serving or Standby); returns the serving.
   */
  private Set<String> awaitAgreement(SimCluster c, int count) {
    await(count + " serving, and label, status phase and agent agreeing on every node")
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, String> seen = new TreeMap<>();
              for (Pod p : c.agentPods()) {
                String node = p.getSpec().getNodeName();
                boolean labelled =
                    "true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL));
                seen.put(
                    node,
                    (labelled ? "labelled" : "unlabelled")
                        + " "
                        + c.phaseOf(node)
                        + " "
                        + agentStatus(c, node).servingMode());
              }
              Map<String, String> want = new TreeMap<>();
              Set<String> serving = c.servingNodes();
              seen.keySet()
                  .forEach(
                      n ->
                          want.put(
                              n,
                              serving.contains(n)
                                  ? "labelled Serving Serving"
                                  : "unlabelled Standby Standby"));
              assertThat(seen).as(c::describe).hasSize(SIMULATED + 1).isEqualTo(want);
              assertThat(serving).hasSize(count);
            });
    return c.servingNodes();
  }

  /**
   * Waits until requests to the Service's ClusterIP, sent from the real node (kube-proxy's rules),
   * are all answered and counted by exactly the serving agents.
   */
  private void awaitClusterIpReachesExactlyTheServing(SimCluster c) {
    String clusterIp =
        c.client
            .services()
            .inNamespace(c.ns)
            .withName(SimCluster.POOL)
            .get()
            .getSpec()
            .getClusterIP();
    await("requests to the ClusterIP " + clusterIp + " reach exactly the serving agents")
        .atMost(LONG)
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Map<String, Long> before = requestCounts(c);
              List<String> codes = curlMany("http://" + clusterIp + "/", 24);
              Map<String, Long> after = requestCounts(c);
              Set<String> reached =
                  after.keySet().stream()
                      .filter(n -> after.get(n) > before.getOrDefault(n, 0L))
                      .collect(Collectors.toCollection(TreeSet::new));
              assertThat(codes).as("answers through the ClusterIP").hasSize(24).containsOnly("200");
              assertThat(reached).as(c::describe).isEqualTo(c.servingNodes());
            });
  }

  private Map<String, Long> requestCounts(SimCluster c) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    for (Pod p : c.agentPods()) {
      String node = p.getSpec().getNodeName();
      out.put(node, agentStatus(c, node).requestsTotal());
    }
    return out;
  }

  /** The agent's /v1/status, read from this machine at its pod's IP (real or simulated node). */
  private AgentStatus agentStatus(SimCluster c, String node) throws Exception {
    Pod pod =
        c.agentPods().stream()
            .filter(p -> node.equals(p.getSpec().getNodeName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no agent pod on " + node));
    int adminPort = c.pool().getSpec().getServer().getAdminPort();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://" + pod.getStatus().getPodIP() + ":" + adminPort + "/v1/status"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Serialization.unmarshal(r.body(), AgentStatus.class);
  }

  /** {@code n} requests from the real node's namespace, each on a connection of its own. */
  private static List<String> curlMany(String url, int n) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "exec",
                "curl",
                "-s",
                "-m",
                "3",
                "-H",
                "Connection: close",
                "-w",
                "%{http_code}\\n"));
    for (int i = 0; i < n; i++) {
      command.addAll(List.of("-o", "/dev/null", url));
    }
    return node(command.toArray(String[]::new)).lines().toList();
  }

  private static Map<String, String> realNodeValues() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : WATCHED) {
      out.put(name, node("exec", "cat", "/proc/sys/" + name.replace('.', '/')).trim());
    }
    return out;
  }

  private static Map<String, String> hostValues() throws Exception {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : WATCHED) {
      out.put(name, Files.readString(Path.of("/proc/sys", name.replace('.', '/'))).trim());
    }
    return out;
  }

  /** Runs bin/node with {@code args}; fails with its output when it fails. */
  private static String node(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(NODE_SCRIPT));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
    }
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + text);
    }
    return text;
  }
}
