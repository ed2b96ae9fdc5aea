package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.testing.FakeAgents;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator with fake agents on loopback: load and temperature move the serving labels. Each
 * node's agent has its own address 127.0.0.N and all share the pool's admin port, exactly as agents
 * on host network do on real nodes.
 */
@EnableKubernetesMockClient(crud = true)
class AutoscalingTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  private static final String[] THREE_NODES = {"pi-1", "pi-2", "pi-3"};

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(client, server, Map.of());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static PiServerPool autoscaled(String ns, FakeAgents agents) {
    harness.namespace(ns);
    PiServerPool pool = Fixtures.pool(ns, "web");
    pool.getSpec().getServer().setAdminPort(agents.port());
    var a = pool.getSpec().getAutoscaling();
    a.setEnabled(true);
    a.setMinReplicas(1);
    a.setTargetConnectionsPerReplica(100);
    a.setPollIntervalSeconds(1);
    ScalingRules down = new ScalingRules();
    down.setStabilizationWindowSeconds(60);
    a.setScaleDown(down);
    return pool;
  }

  /**
   * Agents on pi-1, pi-2 and pi-3 from 127.0.0.{@code firstOctet} on, each answering {@code
   * connections} open at 50 °C.
   */
  private static FakeAgents threeAgents(int firstOctet, int connections) {
    FakeAgents agents = FakeAgents.start(firstOctet, THREE_NODES);
    for (String n : THREE_NODES) {
      agents.answer(n, Fixtures.status(n, connections, 50, false));
    }
    return agents;
  }

  /** Creates the pool and an agent pod on each of the three nodes. */
  private static void createWithPods(String ns, FakeAgents agents, PiServerPool pool) {
    client.resource(pool).create();
    pods(ns, agents, THREE_NODES);
  }

  private static void pods(String ns, FakeAgents agents, String... nodes) {
    for (String node : nodes) {
      client.resource(Fixtures.agentPod(ns, "web", node, agents.ip(node))).create();
    }
  }

  /**
   * The pool once it matches, stepping the clock one poll interval per look: a first poll that
   * answers late (a loaded machine) is followed by another instead of by none, as the clock stands
   * still otherwise.
   */
  private static PiServerPool polledUntil(
      String ns, String what, java.util.function.Predicate<PiServerPool> done) {
    return harness.polledUntil(
        what,
        () -> harness.get(ns, "web"),
        p -> p != null && p.getStatus() != null && done.test(p));
  }

  /** The serving set once it equals {@code expected} (see {@link #polledUntil}). */
  private static void servingBecomes(String ns, String what, Set<String> expected) {
    harness.polledUntil(what, () -> serving(ns), expected::equals);
  }

  /** The pool once its status lists a node that matches (see {@link #polledUntil}). */
  private static PiServerPool withNode(
      String ns, String what, java.util.function.Predicate<NodeStatus> node) {
    return polledUntil(ns, what, p -> p.getStatus().getNodes().stream().anyMatch(node));
  }

  /** Steps the clock one poll interval and waits until the agents were asked again. */
  private static void poll(FakeAgents agents) {
    int before = agents.hits();
    harness.step(Duration.ofSeconds(1));
    eventually("agents polled").until(() -> agents.hits() > before);
  }

  @Test
  void loadRisesThenANodeTurnsHotThenLoadFallsAfterTheWindow() {
    String ns = "autoscale";
    try (FakeAgents agents = FakeAgents.start(40, "pi-1", "pi-2", "pi-3", "pi-4", "pi-5")) {
      double[] temps = {50, 52, 54, 56, 58};
      for (int i = 0; i < 5; i++) {
        agents.answer("pi-" + (i + 1), Fixtures.status("pi-" + (i + 1), 0, temps[i], false));
      }
      client.resource(autoscaled(ns, agents)).create();
      pods(ns, agents, "pi-1", "pi-2", "pi-3", "pi-4", "pi-5");
      servingBecomes(ns, "the coolest node serves alone", Set.of("pi-1"));

      // load rises: 350 connections at 100 per node -> 4 nodes, the coolest four
      agents.answer("pi-1", Fixtures.status("pi-1", 350, 50, false));
      poll(agents);
      servingBecomes(ns, "four nodes serve", Set.of("pi-1", "pi-2", "pi-3", "pi-4"));
      eventually("ScaledUp event with the numbers")
          .until(
              () ->
                  harness.events(ns).stream()
                      .anyMatch(
                          e ->
                              "ScaledUp".equals(e.getReason())
                                  && e.getNote().startsWith("scaled 1 -> 4")));

      // pi-2 turns hot: it leaves rotation and the standby pi-5 takes its place at once
      agents.answer("pi-2", Fixtures.status("pi-2", 0, 78.5, false));
      poll(agents);
      servingBecomes(ns, "pi-5 replaces hot pi-2", Set.of("pi-1", "pi-3", "pi-4", "pi-5"));
      PiServerPool hot =
          withNode(
              ns,
              "pi-2 reported hot",
              n ->
                  "pi-2".equals(n.getName())
                      && (n.getPhase() == NodeStatus.Phase.Hot
                          || n.getPhase() == NodeStatus.Phase.Draining));
      assertThat(hot.getStatus().getTotals().getHottestNode()).isEqualTo("pi-2");
      eventually("a Warning naming the hot node, its temperature and its replacement")
          .until(
              () ->
                  harness.events(ns).stream()
                      .anyMatch(
                          e ->
                              "NodeDrained".equals(e.getReason())
                                  && "Warning".equals(e.getType())
                                  && e.getNote().contains("node pi-2 drained at 78.5")
                                  && e.getNote().contains("pi-5")));

      Double drainLatencies =
          harness
              .operator
              .metrics()
              .registry()
              .getSampleValue(
                  "pipool_operator_threshold_to_label_seconds_count",
                  new String[] {"namespace", "pool"},
                  new String[] {ns, "web"});
      assertThat(drainLatencies).as("threshold-to-label latency observed").isEqualTo(1.0);

      // load falls to 50: one node would do, but the 60 s scale-down window holds four
      agents.answer("pi-1", Fixtures.status("pi-1", 50, 50, false));
      poll(agents);
      // the window counts from here: the clock moves a second per second of waiting at most
      harness.polledUntil(
          "status shows the lower load",
          () -> harness.get(ns, "web").getStatus().getTotals().getConnections(),
          Long.valueOf(50)::equals);
      for (int i = 0; i < 3; i++) {
        harness.step(Duration.ofSeconds(9));
        poll(agents);
        eventually("four serving inside the window")
            .during(Duration.ofMillis(300))
            .until(() -> serving(ns).size() == 4);
      }
      harness.step(Duration.ofSeconds(40));
      poll(agents);
      harness.polledUntil("scaled down after the window", () -> serving(ns).size(), n -> n == 1);
      eventually("status desires one node")
          .until(
              () ->
                  Integer.valueOf(1)
                      .equals(harness.get(ns, "web").getStatus().getDesiredReplicas()));
      eventually("ScaledDown event").until(() -> harness.hasEvent(ns, "ScaledDown"));
    }
  }

  /**
   * The status a reconcile is handed can predate the operator's own last write (the informer has
   * not seen it yet). A scale move missing there must still count: the rate policy holds, and the
   * next status lists the move again.
   */
  @Test
  void aScaleMoveMissingFromAStaleStatusStillLimitsTheRate() {
    String ns = "stale-moves";
    try (FakeAgents agents = threeAgents(85, 0)) {
      PiServerPool pool = autoscaled(ns, agents);
      ScalingRules up = new ScalingRules();
      up.setPolicies(List.of(new ScalingPolicy(ScalingPolicy.Type.Pods, 1, 60)));
      pool.getSpec().getAutoscaling().setScaleUp(up);
      createWithPods(ns, agents, pool);
      eventually("one node serves").until(() -> serving(ns).equals(Set.of("pi-1")));
      // past the period of the first move (0 -> 1)
      harness.step(Duration.ofSeconds(61));
      poll(agents);
      PiServerPoolStatus before =
          polledUntil(
                  ns,
                  "one node published",
                  p -> Integer.valueOf(1).equals(p.getStatus().getDesiredReplicas()))
              .getStatus();

      // 250 connections at 100 per node want 3 nodes; the policy allows one more per 60 s
      agents.answer("pi-1", Fixtures.status("pi-1", 250, 50, false));
      poll(agents);
      polledUntil(
          ns,
          "the move 1 -> 2 published",
          p -> p.getStatus().getScaleMoves().stream().anyMatch(m -> m.getTo() == 2));
      eventually("two nodes serve").until(() -> serving(ns).size() == 2);

      // the status as it was before that move, as a lagging cache would hand it over
      var web = client.resources(PiServerPool.class).inNamespace(ns).withName("web");
      web.editStatus(
          p -> {
            p.setStatus(before);
            return p;
          });
      poll(agents);
      polledUntil(
          ns,
          "the move 1 -> 2 listed again",
          p ->
              Integer.valueOf(2).equals(p.getStatus().getDesiredReplicas())
                  && p.getStatus().getScaleMoves().stream()
                      .anyMatch(m -> m.getFrom() == 1 && m.getTo() == 2));
      poll(agents);
      eventually("two nodes serving within the policy's period")
          .during(Duration.ofMillis(500))
          .until(() -> serving(ns).size() == 2);
    }
  }

  @Test
  void dryRunReportsTheDecisionButLeavesTheLabelsAlone() {
    String ns = "dryrun";
    try (FakeAgents agents = threeAgents(60, 100)) {
      PiServerPool pool = autoscaled(ns, agents);
      pool.getSpec().getAutoscaling().setMode(io.pipool.api.v1alpha1.AutoscalingSpec.Mode.DryRun);
      createWithPods(ns, agents, pool);
      PiServerPool seen =
          polledUntil(
              ns,
              "desired 3 in status",
              p -> Integer.valueOf(3).equals(p.getStatus().getDesiredReplicas()));
      assertThat(serving(ns)).isEmpty();
      assertThat(seen.getStatus().getReplicas()).isZero();
      assertThat(
              Conditions.find(seen.getStatus().getConditions(), Conditions.SCALING_ACTIVE)
                  .orElseThrow()
                  .getMessage())
          .contains("dry run");
    }
  }

  @Test
  void anAgentAnsweringGarbageIsUnreachableWithTheReasonAndOthersStillServe() {
    String ns = "garbage";
    try (FakeAgents agents = FakeAgents.start(70, "pi-1", "pi-2")) {
      agents.script("pi-1", new FakeAgents.Garbage("<html>not an agent</html>"));
      agents.answer("pi-2", Fixtures.status("pi-2", 10, 60, false));
      client.resource(autoscaled(ns, agents)).create();
      pods(ns, agents, "pi-1", "pi-2");
      polledUntil(ns, "pi-2 serves", p -> serving(ns).equals(Set.of("pi-2")));
      PiServerPool seen =
          withNode(
              ns,
              "pi-1 unreachable because of its answer",
              n ->
                  "pi-1".equals(n.getName())
                      && n.getPhase() == NodeStatus.Phase.Unreachable
                      && n.getReason() != null
                      && n.getReason().contains("invalid status document"));
      NodeStatus pi1 =
          seen.getStatus().getNodes().stream()
              .filter(n -> "pi-1".equals(n.getName()))
              .findFirst()
              .orElseThrow();
      assertThat(pi1.getReason()).contains("invalid status document");
      assertThat(seen.getStatus().getTotals().getReachableNodes()).isEqualTo(1);
    }
  }

  private static Set<String> serving(String ns) {
    Set<String> out = new TreeSet<>();
    harness
        .pods(ns)
        .forEach(
            p -> {
              if ("true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL))) {
                out.add(p.getSpec().getNodeName());
              }
            });
    return out;
  }
}
