package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Checks.messages;
import static io.pipool.autoscale.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.testing.SteppingClock;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DryRun decides exactly as Auto; only the words change, and the caller does not apply. */
class DryRunTest {

  private static Decision decide(ScalePolicy p) {
    Fleet fleet = Fleet.of(6).load(14210);
    fleet.temp("pi-1", 76.4);
    Set<String> serving = Set.of("pi-1", "pi-2", "pi-3");
    SteppingClock clock = new SteppingClock();
    return new PoolAutoscaler()
        .decide(p, fleet.samples(clock.instant(), serving), serving, Memory.EMPTY, clock);
  }

  @Test
  void theDecisionIsTheSameAsInAutoMode() {
    Decision auto = decide(policy().build());
    Decision dry = decide(policy().dryRun().build());

    assertThat(dry.serving()).isEqualTo(auto.serving()).hasSize(5).doesNotContain("pi-1");
    assertThat(dry.desiredReplicas()).isEqualTo(auto.desiredReplicas());
    assertThat(dry.nodes()).isEqualTo(auto.nodes());
    assertThat(dry.history()).isEqualTo(auto.history());
    assertThat(dry.scaleTime()).isEqualTo(auto.scaleTime());
    assertThat(Checks.reasons(dry)).isEqualTo(Checks.reasons(auto));
    // Only a move that was made counts against the rate policies: a dry run that recorded its
    // "would scale" on every poll would grow status (and rewrite it) on every poll.
    assertThat(auto.moves()).hasSize(1);
    assertThat(dry.moves()).isEmpty();
  }

  @Test
  void eventsAndConditionsSayWhatWouldHappen() {
    Decision dry = decide(policy().dryRun().build());

    assertThat(messages(dry, Reasons.SCALED_UP))
        .containsExactly(
            "would scale 3 -> 5: connections 4,737 per node, target 3,000 -> 5 (dry run)");
    assertThat(messages(dry, Reasons.NODE_DRAINED))
        .containsExactly(
            "node pi-1 would be drained at 76.4 °C; pi-4 (53.0 °C) serves in its place (dry run)");
    assertThat(condition(dry, Reasons.SCALING_ACTIVE).message())
        .startsWith("dry run, labels unchanged: connections 4,737 per node");
  }

  @Test
  void inALoopThatDoesNotApplyTheLabelsTheDrainIsReportedOnce() {
    Fleet fleet = Fleet.of(4).load(6000);
    fleet.temp("pi-1", 80.0);
    Loop loop = new Loop(policy().dryRun().build(), fleet, "pi-1", "pi-2");

    Decision first = loop.step();
    Decision second = loop.step();

    assertThat(loop.serving).containsExactlyInAnyOrder("pi-1", "pi-2");
    assertThat(first.serving()).containsExactlyInAnyOrder("pi-2", "pi-3");
    assertThat(messages(first, Reasons.NODE_DRAINED)).hasSize(1);
    assertThat(second.events()).isEmpty();
    assertThat(loop.state("pi-1").phase()).isEqualTo(NodeState.Phase.Draining);
  }
}
