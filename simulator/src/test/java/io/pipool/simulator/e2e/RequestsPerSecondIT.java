package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.MetricStatus;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.ScaleMoveStatus;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.haproxy.Haproxy;
import io.pipool.simulator.haproxy.HaproxyFront;
import io.pipool.simulator.haproxy.ServersState;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.net.NodeNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 on a real control plane (PIPOOL_IT_KUBECONFIG): a pool that scales on requests per
 * second behind a real HAProxy. Four simulated nodes in a network namespace of their own (root),
 * the operator installed as two replicas, and Debian's haproxy on loopback running the backend the
 * operator publishes in the pool's {@code -frontend} ConfigMap, agent checks included. The load
 * goes only through HAProxy, which keeps few connections to each node: the agents' connection
 * counts say little, their request rates say it all. The pool starts with one serving node, scales
 * to three or more while the load runs, and back to one when it stops, with no request failed at
 * the front; the status, scale moves and events tell a user why.
 */
class RequestsPerSecondIT {

  private static final String KUBECONFIG = System.getenv("PIPOOL_IT_KUBECONFIG");
  private static final Duration WAIT = Duration.ofSeconds(90);

  /**
   * The agents' pods running with addresses, and then one serving: their JVM in the namespace and
   * the operator's two start under whatever else runs on this machine.
   */
  private static final Duration START = Duration.ofSeconds(240);

  /** Requests per second one serving node should carry. */
  private static final double TARGET = 50;

  /** Client connections through HAProxy, each sending a request a second: about 4 x TARGET. */
  private static final int CONNECTIONS = 200;

  @Test
  void thePoolScalesOnRequestsPerSecondBehindHaproxyAndBackWithNoFailedRequest() throws Exception {
    Optional<String> skip = skipReason();
    if (skip.isPresent()) {
      // printed as well, so the skip shows in the build log and not only in the report files
      System.out.println("SKIPPED RequestsPerSecondIT: " + skip.get());
    }
    Assumptions.assumeTrue(skip.isEmpty(), skip::get);
    try (SimCluster c = SimCluster.real(Path.of(KUBECONFIG), 4, 30, true)) {
      c.startOperator();
      c.applyExample(
          new PoolTuning(null, null, 1, null, 6, 1, 4),
          p -> {
            p.getSpec()
                .getAutoscaling()
                .setMetrics(List.of(new MetricSpec(MetricSpec.Type.RequestsPerSecond, TARGET)));
            p.getSpec().getServer().setAgentCheckPort(9101);
            // status keeps the moves of the longest policy period: 60 s, so the checks below
            // still find them; +4 nodes per period lets the pool grow from 1 to 4 at once
            ScalingRules up = new ScalingRules();
            up.setPolicies(List.of(new ScalingPolicy(ScalingPolicy.Type.Pods, 4, 60)));
            p.getSpec().getAutoscaling().setScaleUp(up);
          });
      long start = System.nanoTime();
      try (HaproxyFront front =
              HaproxyFront.start(
                  Haproxy.binary().orElseThrow(),
                  c.sim.workDir().resolve("haproxy"),
                  c.client,
                  c.ns,
                  SimCluster.POOL,
                  4,
                  1000,
                  c.sim.meter(),
                  () -> Duration.ofNanos(System.nanoTime() - start),
                  START);
          LoadGenerator load =
              new LoadGenerator(
                  c.sim.vertx(),
                  new LoadGenerator.Settings(1000, 1000, 50),
                  c.sim.meter(),
                  front::endpoints)) {
        await("one node serving and HAProxy sending to it alone")
            .atMost(START)
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  Set<String> serving = c.servingNodes();
                  assertThat(serving).as(c::describe).hasSize(1);
                  assertThat(inRotation(front)).as(c::describe).isEqualTo(serving);
                });

        load.target(CONNECTIONS);
        c.awaitServingUnderLoad(
            "three or more nodes serving and in HAProxy's rotation under the load",
            WAIT,
            load,
            serving -> serving.hasSizeGreaterThanOrEqualTo(3),
            () -> assertThat(inRotation(front)).hasSizeGreaterThanOrEqualTo(3));
        await("status.currentMetrics: RequestsPerSecond, its value under load and its target")
            .atMost(WAIT)
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  List<MetricStatus> metrics = c.pool().getStatus().getCurrentMetrics();
                  assertThat(metrics).as(c::describe).hasSize(1);
                  MetricStatus m = metrics.get(0);
                  assertThat(m.getType()).isEqualTo(MetricSpec.Type.RequestsPerSecond);
                  assertThat(m.getTarget()).isEqualTo(TARGET);
                  assertThat(m.getCurrent()).isGreaterThan(0.0);
                  assertThat(m.getProposedReplicas()).isGreaterThanOrEqualTo(3);
                  assertThat(m.getDrives()).isTrue();
                });
        awaitMove(
            c,
            "a move up to three or more nodes",
            m ->
                m.getDirection() == ScaleMoveStatus.Direction.Up
                    && m.getFrom() < m.getTo()
                    && m.getTo() >= 3
                    && !m.getTime().isBlank());
        awaitEvent(c, "ScaledUp", m -> m.startsWith("scaled 1 -> "));
        await("HAProxy having sent requests to three or more nodes")
            .atMost(WAIT)
            .ignoreExceptions()
            .untilAsserted(
                () ->
                    assertThat(
                            front.haproxy().stats().servers().values().stream()
                                .filter(s -> s.requests() > 0)
                                .count())
                        .isGreaterThanOrEqualTo(3));

        load.target(0);
        await("one node serving again once the load stopped")
            .atMost(WAIT)
            .ignoreExceptions()
            .untilAsserted(
                () -> {
                  PiServerPoolStatus s = c.pool().getStatus();
                  assertThat(c.servingNodes()).as(c::describe).hasSize(1);
                  assertThat(s.getDesiredReplicas()).as(c::describe).isEqualTo(1);
                  assertThat(s.getReplicas()).as(c::describe).isEqualTo(1);
                });
        awaitMove(
            c,
            "the move down to one node",
            m -> m.getDirection() == ScaleMoveStatus.Direction.Down && m.getTo() == 1);
        awaitEvent(c, "ScaledDown", m -> m.contains(" -> 1: "));
        await("every client connection closed")
            .atMost(WAIT)
            .untilAsserted(() -> assertThat(load.stats().open()).isZero());
        LoadGenerator.Stats stats = load.stats();
        System.out.println(
            "RPS-IT: "
                + stats.requests()
                + " requests through HAProxy, "
                + stats.errors()
                + " failed, "
                + stats.shed()
                + " shed; peak "
                + stats.peakOpen()
                + " connections; scale moves "
                + c.pool().getStatus().getScaleMoves().stream()
                    .map(m -> m.getDirection() + " " + m.getFrom() + "->" + m.getTo())
                    .toList());
        assertThat(stats.requests()).as("requests answered through HAProxy").isPositive();
        assertThat(stats.errors()).as("requests failed at the front").isZero();
        assertThat(stats.shed()).as("requests shed (503) at the front").isZero();
      }
    }
  }

  private static Optional<String> skipReason() {
    if (KUBECONFIG == null || KUBECONFIG.isBlank()) {
      return Optional.of("PIPOOL_IT_KUBECONFIG is not set");
    }
    if (Haproxy.binary().isEmpty()) {
      return Optional.of("haproxy is not on PATH (apt-get install haproxy)");
    }
    return NodeNetwork.unavailableReason().map(why -> "no network namespace: " + why);
  }

  /** The servers HAProxy sends new requests to now. */
  private static Set<String> inRotation(HaproxyFront front) {
    return front.haproxy().serversState(front.backend()).servers().values().stream()
        .filter(ServersState.Server::inRotation)
        .map(ServersState.Server::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Waits for status.scaleMoves to hold a move that matches. */
  private static void awaitMove(SimCluster c, String what, Predicate<ScaleMoveStatus> move) {
    await("status.scaleMoves recording " + what)
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(c.pool().getStatus().getScaleMoves()).as(c::describe).anyMatch(move));
  }

  /**
   * Waits for an event of the pool with {@code reason} whose message matches and names the metric
   * and its target, as kubectl shows it.
   */
  private static void awaitEvent(SimCluster c, String reason, Predicate<String> message) {
    await("a " + reason + " event naming requests/s and the target")
        .atMost(WAIT)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(eventMessages(c, reason))
                    .anyMatch(
                        m ->
                            message.test(m)
                                && m.contains(": requests/s ")
                                && m.contains(" per node, target 50 -> ")));
  }

  /** The messages of the pool's events with {@code reason}, as kubectl shows them. */
  private static List<String> eventMessages(SimCluster c, String reason) {
    return Kubectl.run(
            Path.of(KUBECONFIG),
            "get",
            "events",
            "-n",
            c.ns,
            "--field-selector",
            "reason=" + reason,
            "-o",
            "jsonpath={range .items[*]}{.message}{\"\\n\"}{end}")
        .lines()
        .toList();
  }
}
