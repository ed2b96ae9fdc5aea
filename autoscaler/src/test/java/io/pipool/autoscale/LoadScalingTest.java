package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Checks.messages;
import static io.pipool.autoscale.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.testing.SteppingClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Scaling on connections: steady load, ramps, tolerance, the scale-down window. */
class LoadScalingTest {

  @Test
  void steadyLoadKeepsTheSameNodesAndSaysNothing() {
    Loop loop = new Loop(policy().build(), Fleet.of(6).load(9000), "pi-4", "pi-5", "pi-6");

    assertThat(loop.counts(20)).containsOnly(3);

    assertThat(loop.servingSorted()).containsExactly("pi-4", "pi-5", "pi-6");
    assertThat(loop.decisions).allSatisfy(d -> assertThat(d.events()).isEmpty());
    assertThat(loop.decisions).allSatisfy(d -> assertThat(d.scaleTime()).isNull());
    assertThat(loop.last().desiredReplicas()).isEqualTo(3);
    assertThat(condition(loop.last(), Reasons.SCALING_ACTIVE).reason())
        .isEqualTo(Reasons.VALID_METRIC_FOUND);
    assertThat(condition(loop.last(), Reasons.SCALING_ACTIVE).message())
        .startsWith("connections 3,000 per node, target 3,000 -> 3: recommend 3");
    assertThat(condition(loop.last(), Reasons.SCALING_LIMITED).reason())
        .isEqualTo(Reasons.DESIRED_WITHIN_RANGE);
    // A steady recommendation is stored once, not once per poll.
    assertThat(loop.history).hasSize(1);
  }

  static Stream<Arguments> flapping() {
    return Stream.of(
        Arguments.of("swings of up to 9% stay put", 0.1, List.of(8200L, 9800L, 8500L, 9700L), 3),
        Arguments.of("9,800 leaves a 5% tolerance", 0.05, List.of(9000L, 9800L), 4),
        Arguments.of("a 0 tolerance reacts to one connection", 0.0, List.of(9000L, 9001L), 4),
        Arguments.of("33% over a 10% tolerance scales", 0.1, List.of(9000L, 12000L), 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("flapping")
  void loadInsideTheToleranceNeverMovesNodes(
      String name, double tolerance, List<Long> loads, int expectedFinal) {
    Loop loop =
        new Loop(policy().tolerance(tolerance).build(), Fleet.of(6), "pi-1", "pi-2", "pi-3");
    for (long load : loads) {
      loop.fleet.load(load);
      loop.step();
    }
    assertThat(loop.serving).hasSize(expectedFinal);
    long scaleEvents = loop.decisions.stream().filter(d -> d.scaleTime() != null).count();
    assertThat(scaleEvents).isEqualTo(expectedFinal == 3 ? 0 : 1);
  }

  @Test
  void rampUpAddsTheCoolestNodesAndExplainsTheNumbers() {
    Fleet fleet = Fleet.of(10);
    fleet.temp("pi-7", 40.0).temp("pi-9", 41.0);
    Loop loop = new Loop(policy().build(), fleet, "pi-5");

    List<Integer> counts = new ArrayList<>();
    for (long load : List.of(3000L, 6000L, 9000L, 15000L, 15000L, 14210L)) {
      fleet.load(load);
      counts.add(loop.step().serving().size());
    }

    assertThat(counts).containsExactly(1, 2, 3, 5, 5, 5);
    // pi-7 and pi-9 were made coolest, then pi-1 and pi-2.
    assertThat(loop.servingSorted()).containsExactly("pi-1", "pi-2", "pi-5", "pi-7", "pi-9");
    Decision toFive = loop.decisions.get(3);
    assertThat(messages(toFive, Reasons.SCALED_UP))
        .containsExactly("scaled 3 -> 5: connections 5,000 per node, target 3,000 -> 5");
    assertThat(toFive.scaleTime()).isEqualTo(SteppingClock.T0.plusSeconds(30));
    assertThat(toFive.desiredReplicas()).isEqualTo(5);
    assertThat(loop.state("pi-1").reason())
        .isEqualTo("scaled up: connections 5,000 per node, target 3,000 -> 5");
  }

  @Test
  void rampDownWaitsForTheScaleDownWindowThenRemovesTheHottest() {
    Fleet fleet = Fleet.of(6).load(15000);
    Loop loop = new Loop(policy().build(), fleet, "pi-1", "pi-2", "pi-3", "pi-4", "pi-5");
    loop.step(); // t=0: the last recommendation of 5
    fleet.load(6000);

    List<Integer> counts = loop.counts(30); // t=10 .. t=300

    assertThat(counts.subList(0, 29)).containsOnly(5);
    assertThat(counts.get(29)).isEqualTo(2);
    Decision held = loop.decisions.get(1);
    assertThat(condition(held, Reasons.SCALING_ACTIVE).message())
        .contains("recommend 2")
        .contains("holding 5 for the 300 s scale-down window");
    Decision down = loop.last();
    assertThat(down.scaleTime()).isEqualTo(SteppingClock.T0.plusSeconds(300));
    assertThat(messages(down, Reasons.SCALED_DOWN))
        .containsExactly("scaled 5 -> 2: connections 1,200 per node, target 3,000 -> 2");
    // pi-1 and pi-2 are the coolest; the three hottest went to standby.
    assertThat(loop.servingSorted()).containsExactly("pi-1", "pi-2");
    assertThat(loop.state("pi-5").phase()).isEqualTo(NodeState.Phase.Standby);
    assertThat(loop.state("pi-5").reason()).startsWith("scaled down: connections 1,200 per node");
  }

  @Test
  void aBriefDipInsideTheWindowCausesNoScaleDown() {
    Fleet fleet = Fleet.of(6).load(15000);
    Loop loop = new Loop(policy().build(), fleet, "pi-1", "pi-2", "pi-3", "pi-4", "pi-5");
    loop.step();
    List<Long> loads = new ArrayList<>(Collections.nCopies(20, 3000L));
    loads.add(15000L);
    loads.addAll(Collections.nCopies(20, 3000L));
    for (long load : loads) {
      fleet.load(load);
      loop.step();
    }
    assertThat(loop.decisions).allSatisfy(d -> assertThat(d.serving()).hasSize(5));
  }

  @Test
  void withoutAnyHistoryTheServingCountIsHeldForTheWindow() {
    Loop loop = new Loop(policy().build(), Fleet.of(4).load(1000), "pi-1", "pi-2", "pi-3");

    List<Integer> counts = loop.counts(31);

    assertThat(counts.subList(0, 30)).containsOnly(3);
    assertThat(counts.get(30)).isEqualTo(1);
  }

  @Test
  void theStoredHistoryCoversOnlyTheLongestWindow() {
    Fleet fleet = Fleet.of(8);
    Loop loop = new Loop(policy().build(), fleet, "pi-1", "pi-2");
    for (int i = 0; i < 100; i++) {
      fleet.load(i % 2 == 0 ? 6000 : 15000);
      loop.step();
    }
    Instant now = loop.last().history().get(loop.last().history().size() - 1).time();

    assertThat(loop.last().history())
        .hasSizeLessThanOrEqualTo(30)
        .allSatisfy(r -> assertThat(r.time()).isAfter(now.minusSeconds(300)));
  }

  @Test
  void equalTemperaturesRemoveTheLeastLoadedFirst() {
    Fleet fleet = new Fleet();
    for (String n : List.of("pi-a", "pi-b", "pi-c")) {
      fleet.add(n, 55.0);
    }
    fleet.node("pi-b").extraConnections = 500;
    ScalePolicy p = policy().immediateBothWays().build();
    Loop loop = new Loop(p, fleet.load(1000), "pi-a", "pi-b", "pi-c");

    loop.step();

    // 2,500 connections: one node; pi-b carries the most, so it stays.
    assertThat(loop.servingSorted()).containsExactly("pi-b");
  }

  static Stream<Arguments> clamps() {
    return Stream.of(
        Arguments.of(2, 8, 0L, 2, "True", Reasons.TOO_FEW_REPLICAS),
        Arguments.of(0, 8, 0L, 0, "False", Reasons.DESIRED_WITHIN_RANGE),
        Arguments.of(1, 4, 30000L, 4, "True", Reasons.TOO_MANY_REPLICAS),
        Arguments.of(1, 8, 12000L, 4, "False", Reasons.DESIRED_WITHIN_RANGE),
        Arguments.of(1, 20, 60000L, 6, "True", Reasons.NOT_ENOUGH_NODES));
  }

  @ParameterizedTest(name = "min {0} max {1} load {2} -> {3} ({5})")
  @MethodSource("clamps")
  void minAndMaxAndTheEligibleNodesBoundTheCount(
      int min, int max, long load, int expected, String status, String reason) {
    ScalePolicy p = policy().clamp(min, max).immediateBothWays().build();
    Loop loop = new Loop(p, Fleet.of(6).load(load), "pi-1", "pi-2", "pi-3");

    Decision d = loop.step();

    assertThat(d.serving()).hasSize(expected);
    assertThat(d.desiredReplicas()).isEqualTo(expected);
    assertThat(condition(d, Reasons.SCALING_LIMITED).status()).isEqualTo(status);
    assertThat(condition(d, Reasons.SCALING_LIMITED).reason()).isEqualTo(reason);
  }

  @Test
  void autoscalingOffServesSpecReplicasOnTheCoolestNodes() {
    Fleet fleet = Fleet.of(5).load(50000);
    Loop loop = new Loop(policy().fixed(3).build(), fleet, "pi-5");

    Decision d = loop.step();

    assertThat(loop.servingSorted()).containsExactly("pi-1", "pi-2", "pi-5");
    assertThat(d.history()).isEmpty();
    assertThat(condition(d, Reasons.SCALING_ACTIVE).status()).isEqualTo("False");
    assertThat(condition(d, Reasons.SCALING_ACTIVE).reason()).isEqualTo(Reasons.SCALING_DISABLED);
    assertThat(messages(d, Reasons.SCALED_UP)).containsExactly("scaled 1 -> 3: spec.replicas is 3");
  }
}
