package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Checks.messages;
import static io.pipool.autoscale.Policies.policy;
import static io.pipool.autoscale.Policies.rules;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.autoscale.Decision.MetricValue;
import io.pipool.autoscale.ScalePolicy.RatePolicy;
import io.pipool.autoscale.ScalePolicy.Select;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Several metrics: each proposes a count, the largest wins, heat still vetoes. */
class MetricsTest {

  /** Connections target 3,000 and requests target 50 per node, no windows or rate limits. */
  private static ScalePolicy twoMetrics() {
    return policy().requestsPerSecond(50).immediateBothWays().build();
  }

  static Stream<Arguments> largestProposalWins() {
    return Stream.of(
        // name, connections, requests/s, expected count, driving metric
        Arguments.of(
            "few long connections, many requests", 40L, 180.0, 4, Metric.RequestsPerSecond),
        Arguments.of("many idle connections, few requests", 9000L, 10.0, 3, Metric.Connections),
        Arguments.of("both low", 100L, 20.0, 1, Metric.Connections),
        Arguments.of(
            "both ask for 2, the first listed drives", 6000L, 100.0, 2, Metric.Connections));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void largestProposalWins(String name, long conns, double rps, int expected, Metric driver) {
    Fleet fleet = Fleet.of(6).load(conns).requests(rps);
    Loop loop = new Loop(twoMetrics(), fleet, "pi-1");

    Decision d = loop.step();

    assertThat(d.serving()).hasSize(expected);
    assertThat(d.metrics())
        .filteredOn(MetricValue::drives)
        .singleElement()
        .extracting(MetricValue::metric)
        .isEqualTo(driver);
  }

  @Test
  void eachMetricReportsItsAverageTargetAndProposalAndTheEventNamesThem() {
    Loop loop = new Loop(twoMetrics(), Fleet.of(6).load(40).requests(180), "pi-1");

    Decision d = loop.step();

    assertThat(d.metrics())
        .containsExactly(
            new MetricValue(Metric.Connections, 40.0, 3000, 1, false),
            new MetricValue(Metric.RequestsPerSecond, 180.0, 50, 4, true));
    assertThat(messages(d, Reasons.SCALED_UP))
        .containsExactly(
            "scaled 1 -> 4: requests/s 180 per node, target 50 -> 4; connections 40 per node,"
                + " target 3,000 -> 1");
  }

  @Test
  void eachMetricHasItsOwnTolerance() {
    ScalePolicy p =
        new ScalePolicy(
            true,
            false,
            1,
            1,
            10,
            List.of(
                new MetricTarget(Metric.Connections, 3000, 0.1),
                new MetricTarget(Metric.RequestsPerSecond, 50, 0.5)),
            Duration.ofSeconds(10),
            Policies.immediate(),
            Policies.immediate(),
            75,
            65,
            true);
    // 70 requests/s per node over 2 nodes is 40% above target: inside its 50% tolerance.
    Loop loop = new Loop(p, Fleet.of(6).load(100).requests(140), "pi-1", "pi-2");

    assertThat(loop.counts(3)).containsExactly(2, 2, 2);
    // 2,800 connections per node would be inside 10%, but 45% above is not.
    loop.fleet.load(8700);
    assertThat(loop.step().serving()).hasSize(3);
  }

  @Test
  void heatStillVetoesWhatTheRequestRateAsksFor() {
    Fleet fleet = Fleet.of(4).load(40).requests(200);
    fleet.temp("pi-3", 77.0).temp("pi-4", 76.0);
    Loop loop = new Loop(twoMetrics(), fleet, "pi-1");

    Decision d = loop.step();

    assertThat(d.serving()).containsExactlyInAnyOrder("pi-1", "pi-2");
    assertThat(condition(d, Reasons.SCALING_LIMITED).reason()).isEqualTo(Reasons.THERMAL_CAPACITY);
    assertThat(d.overThreshold()).containsExactlyInAnyOrder("pi-3", "pi-4");
  }

  @Test
  void aServingNodeThatDoesNotReportRequestsIsNotCountedAsIdle() {
    // pi-2's agent reports no request rate: unknown, not zero. The 2 requests/s of pi-1 alone
    // would propose 1 node; with pi-2's value unknown the metric proposes no fewer than 2.
    Fleet fleet = Fleet.of(4).load(100).requests(4);
    fleet.node("pi-2").reportsRequests = false;
    Loop loop = new Loop(twoMetrics(), fleet, "pi-1", "pi-2");

    Decision d = loop.step();

    assertThat(d.serving()).hasSize(2);
    assertThat(d.metrics())
        .filteredOn(v -> v.metric() == Metric.RequestsPerSecond)
        .singleElement()
        .extracting(MetricValue::proposed)
        .isEqualTo(2);
  }

  @Test
  void aMetricNoAgentReportsLeavesTheDecisionToTheOthers() {
    Fleet fleet = Fleet.of(4).load(9000).requests(1000);
    for (String n : List.of("pi-1", "pi-2", "pi-3", "pi-4")) {
      fleet.node(n).reportsRequests = false;
    }
    Loop loop = new Loop(twoMetrics(), fleet, "pi-1");

    Decision d = loop.step();

    assertThat(d.serving()).hasSize(3);
    assertThat(d.metrics())
        .contains(new MetricValue(Metric.RequestsPerSecond, null, 50, null, false));
  }

  @Test
  void rateLimitsReadTheStoredMovesNotTheNodesReasons() {
    // +1 node per 60 s. After the first move, a restart that keeps the moves but whose node
    // reasons were reworded (or lost) still waits out the period.
    ScalePolicy p =
        policy()
            .requestsPerSecond(50)
            .up(rules(0, Select.Max, RatePolicy.pods(1, Duration.ofSeconds(60))))
            .build();
    Loop loop = new Loop(p, Fleet.of(6).load(10).requests(400), "pi-1");
    assertThat(loop.step().moves())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.direction()).isEqualTo(ScaleMove.Direction.Up);
              assertThat(m.from()).isEqualTo(1);
              assertThat(m.to()).isEqualTo(2);
            });

    loop.autoscaler = new PoolAutoscaler();
    loop.nodes =
        loop.nodes.stream()
            .map(s -> new NodeState(s.node(), s.phase(), s.since(), "reworded"))
            .toList();
    assertThat(loop.counts(6)).containsExactly(2, 2, 2, 2, 2, 3);

    // Without the stored moves the same restart would add a node at once.
    Loop forgetful = new Loop(p, Fleet.of(6).load(10).requests(400), "pi-1");
    forgetful.step();
    forgetful.moves = List.of();
    assertThat(forgetful.step().serving()).hasSize(3);
  }
}
