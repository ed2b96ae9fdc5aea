package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Checks.messages;
import static io.pipool.autoscale.NodeState.Phase.Draining;
import static io.pipool.autoscale.NodeState.Phase.Hot;
import static io.pipool.autoscale.NodeState.Phase.Serving;
import static io.pipool.autoscale.NodeState.Phase.Standby;
import static io.pipool.autoscale.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.autoscale.NodeState.Phase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Thermal drain with hysteresis, replacement by the coolest standby, thermal capacity. */
class ThermalTest {

  /** pi-1 and pi-2 serve 6,000 connections; pi-3 (45 °C) is the coolest standby. */
  private static Loop twoServing() {
    Fleet fleet = Fleet.of(4).load(6000);
    fleet.temp("pi-3", 45.0);
    return new Loop(policy().build(), fleet, "pi-1", "pi-2");
  }

  static Stream<Arguments> heating() {
    return Stream.of(
        Arguments.of(
            List.of(74.9, 75.0, 74.0, 65.0, 64.9), List.of(Serving, Draining, Hot, Hot, Standby)),
        Arguments.of(
            List.of(70.0, 80.0, 66.0, 70.0, 74.9, 60.0),
            List.of(Serving, Draining, Hot, Hot, Hot, Standby)),
        Arguments.of(
            List.of(76.4, 76.4, 64.0, 70.0, 74.0),
            List.of(Draining, Hot, Standby, Standby, Standby)));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("heating")
  void aNodeLeavesAtDrainAndMayReturnOnlyBelowResume(List<Double> temps, List<Phase> phases) {
    Loop loop = twoServing();
    List<Phase> seen = new ArrayList<>();
    boolean drained = false;
    for (double t : temps) {
      loop.fleet.temp("pi-1", t);
      Decision d = loop.step();
      seen.add(loop.state("pi-1").phase());
      drained |= !d.serving().contains("pi-1");
      // The count never drops: the coolest standby takes the hot node's place at once.
      assertThat(d.serving()).hasSize(2);
      if (drained) {
        assertThat(d.serving()).doesNotContain("pi-1").contains("pi-3");
      }
    }
    assertThat(seen).containsExactlyElementsOf(phases);
  }

  @Test
  void drainAndResumeAreExplained() {
    Loop loop = twoServing();
    loop.fleet.temp("pi-1", 76.4);
    Decision drained = loop.step();
    loop.fleet.temp("pi-1", 70.0);
    Decision between = loop.step();
    loop.fleet.temp("pi-1", 63.0);
    Decision resumed = loop.step();

    assertThat(messages(drained, Reasons.NODE_DRAINED))
        .containsExactly("node pi-1 drained at 76.4 °C; pi-3 (45.0 °C) serves in its place");
    assertThat(drained.events()).allMatch(Decision.Event::warning);
    assertThat(drained.scaleTime()).isNull();
    assertThat(drained.nodes())
        .filteredOn(s -> s.node().equals("pi-1"))
        .singleElement()
        .satisfies(s -> assertThat(s.reason()).isEqualTo("76.4 °C >= drain 75.0 °C"));
    assertThat(drained.nodes())
        .filteredOn(s -> s.node().equals("pi-3"))
        .singleElement()
        .satisfies(s -> assertThat(s.reason()).isEqualTo("replaces pi-1 (hot)"));
    assertThat(condition(drained, Reasons.THERMAL_THROTTLING).status()).isEqualTo("True");
    assertThat(condition(drained, Reasons.THERMAL_THROTTLING).message())
        .isEqualTo("pi-1 76.4 °C >= drain 75.0 °C");

    assertThat(between.events()).isEmpty();
    assertThat(condition(between, Reasons.THERMAL_THROTTLING).message())
        .isEqualTo("pi-1 cooling: 70.0 °C, may serve again below 65.0 °C");

    assertThat(messages(resumed, Reasons.NODE_RESUMED))
        .containsExactly("node pi-1 resumed at 63.0 °C");
    assertThat(condition(resumed, Reasons.THERMAL_THROTTLING).reason())
        .isEqualTo(Reasons.NO_HOT_NODES);
    assertThat(condition(resumed, Reasons.THERMAL_THROTTLING).message())
        .isEqualTo("hottest: pi-1 at 63.0 °C");
  }

  @Test
  void aThrottledNodeIsHotOnlyWhenTheSpecSaysSo() {
    Loop strict = twoServing();
    strict.fleet.node("pi-2").throttled = true;
    Decision d = strict.step();
    assertThat(d.serving()).containsExactlyInAnyOrder("pi-1", "pi-3");
    assertThat(messages(d, Reasons.NODE_DRAINED))
        .containsExactly(
            "node pi-2 drained at 51.0 °C, throttled by firmware; pi-3 (45.0 °C) serves in its place");

    Fleet fleet = Fleet.of(4).load(6000);
    fleet.node("pi-2").throttled = true;
    Loop lenient = new Loop(policy().throttledIsHot(false).build(), fleet, "pi-1", "pi-2");
    assertThat(lenient.step().serving()).containsExactlyInAnyOrder("pi-1", "pi-2");
  }

  @Test
  void whenAllNodesAreHotNoneServesAndTheConditionsSayWhy() {
    Fleet fleet = Fleet.of(3).load(9000);
    for (String n : List.of("pi-1", "pi-2", "pi-3")) {
      fleet.temp(n, 78.0);
    }
    Loop loop = new Loop(policy().build(), fleet, "pi-1", "pi-2", "pi-3");

    Decision d = loop.step();

    assertThat(d.serving()).isEmpty();
    assertThat(d.desiredReplicas()).isZero();
    assertThat(condition(d, Reasons.SCALING_LIMITED).reason()).isEqualTo(Reasons.THERMAL_CAPACITY);
    assertThat(condition(d, Reasons.SCALING_LIMITED).message())
        .isEqualTo(
            "want 3 serving nodes, only 0 are cool enough to serve (hot: pi-1, pi-2, pi-3;"
                + " they return below 65.0 °C)");
    assertThat(messages(d, Reasons.NODE_DRAINED))
        .containsExactly(
            "node pi-1 drained at 78.0 °C; no cool standby to replace it",
            "node pi-2 drained at 78.0 °C; no cool standby to replace it",
            "node pi-3 drained at 78.0 °C; no cool standby to replace it");
    assertThat(messages(d, Reasons.SCALED_DOWN))
        .containsExactly(
            "scaled 3 -> 0: connections 3,000 per node, target 3,000 -> 3; only 0 nodes qualify");
  }

  @Test
  void tooFewCoolNodesServeWhatIsSafeAndComeBackWhenCooled() {
    Fleet fleet = Fleet.of(4).load(9000);
    fleet.temp("pi-1", 77.0).temp("pi-2", 77.0);
    Loop loop = new Loop(policy().build(), fleet, "pi-1", "pi-2", "pi-3");

    Decision hot = loop.step();
    assertThat(hot.serving()).containsExactlyInAnyOrder("pi-3", "pi-4");
    assertThat(hot.desiredReplicas()).isEqualTo(2);
    assertThat(condition(hot, Reasons.SCALING_LIMITED).reason())
        .isEqualTo(Reasons.THERMAL_CAPACITY);

    fleet.temp("pi-1", 60.0);
    Decision cooled = loop.step();
    assertThat(cooled.serving()).containsExactlyInAnyOrder("pi-1", "pi-3", "pi-4");
    assertThat(messages(cooled, Reasons.SCALED_UP))
        .containsExactly("scaled 2 -> 3: connections 4,500 per node, target 3,000 -> 3");
    assertThat(condition(cooled, Reasons.SCALING_LIMITED).reason())
        .isEqualTo(Reasons.DESIRED_WITHIN_RANGE);
  }

  @Test
  void aHotStandbyIsNeverChosenAndIsReported() {
    Fleet fleet = Fleet.of(4).load(3000);
    fleet.temp("pi-1", 30.0).temp("pi-4", 76.0);
    Loop loop = new Loop(policy().build(), fleet, "pi-4");

    Decision d = loop.step();

    assertThat(d.serving()).containsExactly("pi-1");
    assertThat(loop.state("pi-4").phase()).isEqualTo(Draining);
    fleet.temp("pi-1", 77.0);
    Decision next = loop.step();
    assertThat(loop.state("pi-4").phase()).isEqualTo(Hot);
    assertThat(next.serving()).containsExactly("pi-2");
    fleet.temp("pi-3", 76.0);
    Decision third = loop.step();
    assertThat(messages(third, Reasons.NODE_HOT))
        .containsExactly("standby node pi-3 is hot at 76.0 °C; not eligible until below 65.0 °C");
  }

  @Test
  void thermalReplacementIgnoresWindowsAndRateLimits() {
    Fleet fleet = Fleet.of(4).load(6000);
    ScalePolicy p =
        policy()
            .up(Policies.rules(600, ScalePolicy.Select.Disabled))
            .down(Policies.rules(600, ScalePolicy.Select.Disabled))
            .build();
    Loop loop = new Loop(p, fleet, "pi-1", "pi-2");
    loop.step();
    fleet.temp("pi-2", 80.0);

    assertThat(loop.step().serving()).containsExactlyInAnyOrder("pi-1", "pi-3");
  }

  @Test
  void thermalDrainAppliesWithAutoscalingOff() {
    Fleet fleet = Fleet.of(3);
    fleet.temp("pi-1", 75.0);
    Loop loop = new Loop(policy().fixed(3).build(), fleet, "pi-1", "pi-2", "pi-3");

    Decision d = loop.step();

    assertThat(d.serving()).containsExactlyInAnyOrder("pi-2", "pi-3");
    assertThat(condition(d, Reasons.SCALING_LIMITED).reason()).isEqualTo(Reasons.THERMAL_CAPACITY);
    assertThat(messages(d, Reasons.SCALED_DOWN))
        .containsExactly("scaled 3 -> 2: spec.replicas is 3; only 2 nodes qualify");
  }
}
