package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Checks.messages;
import static io.pipool.autoscale.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.autoscale.NodeState.Phase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unreachable agents, stale samples and unready pods: missing data never scales down. */
class MissingDataTest {

  @Test
  void anUnreachableAgentIsNeitherCountedNorChosen() {
    Fleet fleet = Fleet.of(4).load(6000);
    fleet.node("pi-2").reachable = false; // the coolest standby
    Loop loop = new Loop(policy().build(), fleet, "pi-1");

    Decision d = loop.step();

    assertThat(d.serving()).containsExactlyInAnyOrder("pi-1", "pi-3");
    assertThat(loop.state("pi-2").phase()).isEqualTo(Phase.Unreachable);
    assertThat(loop.state("pi-2").reason()).isEqualTo("connect timed out");
  }

  @Test
  void aServingNodeThatStopsAnsweringKeepsServingAndBlocksScaleDown() {
    Fleet fleet = Fleet.of(5).load(9000);
    Loop loop = new Loop(policy().immediateBothWays().build(), fleet, "pi-1", "pi-2", "pi-3");
    loop.step();
    fleet.node("pi-3").reachable = false;
    fleet.load(3000); // would be 1 node, but pi-3's connections are unknown

    Decision first = loop.step();
    Decision second = loop.step();

    assertThat(first.serving()).containsExactlyInAnyOrder("pi-1", "pi-2", "pi-3");
    assertThat(second.serving()).hasSize(3);
    assertThat(messages(first, Reasons.NODE_UNREACHABLE))
        .containsExactly(
            "node pi-3 stopped answering (connect timed out); still serving, missing data never"
                + " scales down");
    assertThat(second.events()).isEmpty();
    assertThat(loop.state("pi-3").phase()).isEqualTo(Phase.Unreachable);
    assertThat(loop.state("pi-3").reason())
        .isEqualTo("connect timed out; still serving (missing data never scales down)");
    assertThat(condition(first, Reasons.SCALING_ACTIVE).message())
        .contains("1 serving node without a fresh sample, not scaling down");

    fleet.node("pi-3").reachable = true;
    assertThat(loop.step().serving()).hasSize(1);
  }

  @Test
  void theOnlyServingNodeFallingSilentIsJoinedByAStandbyThatAnswers() {
    Fleet fleet = Fleet.of(4).load(50);
    Loop loop = new Loop(policy().immediateBothWays().build(), fleet, "pi-3");
    loop.step();
    fleet.node("pi-3").reachable = false;

    Decision d = loop.step();

    // pi-3 may be cut off from the operator only, so it keeps serving; but a pool must not
    // serve from nodes nobody sees while one that answers stands by (it might serve nothing)
    assertThat(d.serving()).containsExactlyInAnyOrder("pi-3", "pi-1");
    assertThat(d.desiredReplicas()).as("no decision on missing data").isEqualTo(1);
    assertThat(loop.step().serving())
        .as("and no flap after")
        .containsExactlyInAnyOrder("pi-3", "pi-1");

    fleet.node("pi-3").reachable = true;
    assertThat(loop.step().serving()).as("back to one once pi-3 answers").hasSize(1);
  }

  @Test
  void withEveryAgentSilentNothingMoves() {
    Fleet fleet = Fleet.of(4).load(50);
    Loop loop = new Loop(policy().immediateBothWays().build(), fleet, "pi-3");
    loop.step();
    for (String n : List.of("pi-1", "pi-2", "pi-3", "pi-4")) {
      fleet.node(n).reachable = false;
    }

    Decision d = loop.step();

    assertThat(d.serving()).containsExactly("pi-3");
    assertThat(d.desiredReplicas()).isEqualTo(1);
  }

  @Test
  void withMostServingAgentsSilentTheSizeIsHeld() {
    Fleet fleet = Fleet.of(5).load(9000);
    Loop loop = new Loop(policy().immediateBothWays().build(), fleet, "pi-1", "pi-2", "pi-3");
    fleet.node("pi-1").reachable = false;
    fleet.node("pi-2").reachable = false;
    fleet.load(0);

    Decision d = loop.step();

    assertThat(d.serving()).containsExactlyInAnyOrder("pi-1", "pi-2", "pi-3");
    assertThat(d.desiredReplicas()).isEqualTo(3);
    assertThat(d.history()).isEmpty();
    assertThat(condition(d, Reasons.SCALING_ACTIVE).status()).isEqualTo("False");
    assertThat(condition(d, Reasons.SCALING_ACTIVE).reason()).isEqualTo(Reasons.FAILED_GET_METRICS);
    assertThat(condition(d, Reasons.SCALING_ACTIVE).message())
        .isEqualTo(
            "only 1 of 3 serving nodes answered within 30 s; holding 3 serving nodes (missing"
                + " data never scales down)");
  }

  @Test
  void aHeldSetStillDrainsAHotNodeThatAnswers() {
    Fleet fleet = Fleet.of(5).load(9000);
    Loop loop = new Loop(policy().build(), fleet, "pi-1", "pi-2", "pi-3");
    fleet.node("pi-1").reachable = false;
    fleet.node("pi-2").reachable = false;
    fleet.temp("pi-3", 79.0);

    Decision d = loop.step();

    assertThat(d.serving()).containsExactlyInAnyOrder("pi-1", "pi-2", "pi-4");
    assertThat(condition(d, Reasons.SCALING_ACTIVE).reason()).isEqualTo(Reasons.FAILED_GET_METRICS);
  }

  @Test
  void beforeAnyAgentAnswersNothingIsGuessed() {
    Fleet fleet = Fleet.of(3);
    for (String n : List.of("pi-1", "pi-2", "pi-3")) {
      fleet.node(n).reachable = false;
    }
    Loop loop = new Loop(policy().build(), fleet);

    Decision d = loop.step();

    assertThat(d.serving()).isEmpty();
    assertThat(condition(d, Reasons.SCALING_ACTIVE).message())
        .startsWith("no agent answered within 30 s");
    assertThat(condition(d, Reasons.THERMAL_THROTTLING).message())
        .isEqualTo("no temperature readings");
  }

  @ParameterizedTest(name = "a sample {0} s old is {1}")
  @CsvSource({"0, fresh", "29, fresh", "30, fresh", "31, stale", "600, stale"})
  void aSampleOlderThanThreeIntervalsIsStale(long ageSeconds, String expected) {
    Fleet fleet = Fleet.of(2).load(3000);
    fleet.node("pi-1").age = Duration.ofSeconds(ageSeconds);
    Loop loop = new Loop(policy().build(), fleet);

    Decision d = loop.step();

    boolean fresh = expected.equals("fresh");
    // pi-1 is cooler, so a fresh pi-1 would be the one chosen.
    assertThat(d.serving()).containsExactly(fresh ? "pi-1" : "pi-2");
    assertThat(loop.state("pi-1").phase()).isEqualTo(fresh ? Phase.Serving : Phase.Unreachable);
    if (!fresh) {
      assertThat(loop.state("pi-1").reason()).isEqualTo("sample " + ageSeconds + " s old");
    }
  }

  @Test
  void aHotNodeThatGoesSilentStaysOutUntilItReportsBelowResume() {
    Fleet fleet = Fleet.of(3).load(3000);
    fleet.temp("pi-1", 77.0);
    Loop loop = new Loop(policy().build(), fleet, "pi-1");
    loop.step();
    fleet.node("pi-1").reachable = false;
    loop.step();
    assertThat(loop.state("pi-1").phase()).isEqualTo(Phase.Hot);
    assertThat(loop.state("pi-1").reason())
        .isEqualTo("was hot; no fresh sample (connect timed out)");

    fleet.node("pi-1").reachable = true;
    fleet.temp("pi-1", 70.0).temp("pi-2", 74.0).temp("pi-3", 74.0);
    loop.step();
    assertThat(loop.state("pi-1").phase()).isEqualTo(Phase.Hot);
    assertThat(loop.serving).doesNotContain("pi-1");
  }

  @Test
  void anUnreadyServingPodIsReplacedAtOnce() {
    Fleet fleet = Fleet.of(3).load(3000);
    Loop loop = new Loop(policy().build(), fleet, "pi-1");
    fleet.node("pi-1").ready = false;

    Decision d = loop.step();

    assertThat(d.serving()).containsExactly("pi-2");
    assertThat(loop.state("pi-1").phase()).isEqualTo(Phase.Pending);
    assertThat(messages(d, Reasons.NODE_NOT_READY))
        .containsExactly("node pi-1's agent pod is not ready; pi-2 (51.0 °C) serves in its place");
    assertThat(loop.state("pi-2").reason()).isEqualTo("replaces pi-1 (not ready)");
  }
}
