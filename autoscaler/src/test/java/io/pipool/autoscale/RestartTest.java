package io.pipool.autoscale;

import static io.pipool.autoscale.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.testing.SteppingClock;
import io.pipool.autoscale.Decision.Recommendation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An operator restart, with its memory kept in status, must not change any decision. */
class RestartTest {

  /** Load 15,000 for 100 s, then 3,000; restart (or not) at 150 s; 40 polls in all. */
  private static List<Decision> run(String restart) {
    Fleet fleet = Fleet.of(6).load(15000);
    fleet.temp("pi-2", 74.0);
    Loop loop = new Loop(policy().build(), fleet, "pi-1");
    for (int i = 0; i < 40; i++) {
      if (loop.clock.elapsedSeconds() == 100) {
        fleet.load(3000);
        fleet.temp("pi-2", 76.0); // drained before the restart, must stay out after it
      }
      if (loop.clock.elapsedSeconds() == 120) {
        fleet.temp("pi-2", 70.0); // between resume and drain: still hot
      }
      if (loop.clock.elapsedSeconds() == 200) {
        fleet.temp("pi-3", 78.0); // needs a replacement, and pi-2 is the only standby
      }
      if (loop.clock.elapsedSeconds() == 150) {
        switch (restart) {
          case "restart with status" -> {
            loop.autoscaler = new PoolAutoscaler();
            loop.history = throughStatus(loop.history);
            loop.nodes = throughStatusNodes(loop.nodes);
            loop.moves =
                loop.moves.stream()
                    .map(
                        m ->
                            new ScaleMove(
                                Instant.parse(m.time().toString()),
                                ScaleMove.Direction.valueOf(m.direction().name()),
                                m.from(),
                                m.to()))
                    .toList();
          }
          case "restart with status wiped" -> {
            loop.autoscaler = new PoolAutoscaler();
            loop.history = List.of();
            loop.nodes = List.of();
            loop.moves = List.of();
          }
          default -> {}
        }
      }
      loop.step();
    }
    return loop.decisions;
  }

  /** What the operator stores in status: RFC 3339 strings and integers. */
  private static List<Recommendation> throughStatus(List<Recommendation> history) {
    List<Recommendation> out = new ArrayList<>();
    for (Recommendation r : history) {
      out.add(new Recommendation(Instant.parse(r.time().toString()), r.replicas()));
    }
    return out;
  }

  private static List<NodeState> throughStatusNodes(List<NodeState> nodes) {
    List<NodeState> out = new ArrayList<>();
    for (NodeState s : nodes) {
      out.add(
          new NodeState(
              s.node(),
              NodeState.Phase.valueOf(s.phase().name()),
              Instant.parse(s.since().toString()),
              s.reason()));
    }
    return out;
  }

  @Test
  void aRestartWithTheStoredHistoryDecidesExactlyAsIfNeverRestarted() {
    List<Decision> never = run("never");
    List<Decision> restarted = run("restart with status");

    assertThat(restarted).isEqualTo(never);
    // pi-3's drain shrank the pool at 200 s (no cool standby); the load-driven scale-down came
    // 300 s after the last high recommendation (t=90), not sooner.
    assertThat(
            never.stream()
                .filter(
                    d ->
                        d.scaleTime() != null
                            && d.events().stream()
                                .anyMatch(e -> e.reason().equals(Reasons.SCALED_DOWN)))
                .map(Decision::scaleTime)
                .toList())
        .containsExactly(SteppingClock.T0.plusSeconds(200), SteppingClock.T0.plusSeconds(390));
    // pi-2 stayed out from its drain at 100 s, through the restart, while at 70 °C.
    assertThat(restarted.subList(10, 40))
        .allSatisfy(d -> assertThat(d.serving()).doesNotContain("pi-2"));
  }

  @Test
  void losingTheStoredMemoryWouldChangeTheDecisions() {
    // Proves the comparison above has teeth: without status the thermal memory is gone and pi-2,
    // at 70 °C (below drain, above resume), would be chosen to replace pi-3.
    List<Decision> never = run("never");
    List<Decision> wiped = run("restart with status wiped");

    assertThat(wiped).isNotEqualTo(never);
    assertThat(wiped.subList(20, 40)).anySatisfy(d -> assertThat(d.serving()).contains("pi-2"));
  }
}
