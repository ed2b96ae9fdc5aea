package io.pipool.autoscale;

import io.pipool.api.testing.SteppingClock;
import io.pipool.autoscale.Decision.Recommendation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plays the operator's loop: poll, decide, apply the labels (unless DryRun), store the history and
 * node states in "status", wait one poll interval.
 */
final class Loop {

  final SteppingClock clock = new SteppingClock();
  final Fleet fleet;
  ScalePolicy policy;
  Autoscaler autoscaler = new PoolAutoscaler();
  Set<String> serving;
  List<NodeState> nodes = List.of();
  List<Recommendation> history = List.of();
  List<ScaleMove> moves = List.of();
  final List<Decision> decisions = new ArrayList<>();

  Loop(ScalePolicy policy, Fleet fleet, String... serving) {
    this.policy = policy;
    this.fleet = fleet;
    this.serving = Set.of(serving);
  }

  /** One decision at the current time, then the clock moves on by one poll interval. */
  Decision step() {
    Decision d =
        autoscaler.decide(
            policy,
            fleet.samples(clock.instant(), serving),
            serving,
            new Memory(nodes, history, moves),
            clock);
    decisions.add(d);
    if (!policy.dryRun()) {
      serving = d.serving();
    }
    nodes = d.nodes();
    history = d.history();
    moves = d.moves();
    clock.advance(policy.pollInterval());
    return d;
  }

  /** Runs {@code n} steps and returns the serving count after each. */
  List<Integer> counts(int n) {
    List<Integer> counts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      counts.add(step().serving().size());
    }
    return counts;
  }

  Decision last() {
    return decisions.get(decisions.size() - 1);
  }

  Set<String> servingSorted() {
    return new TreeSet<>(serving);
  }

  NodeState state(String node) {
    return nodes.stream().filter(s -> s.node().equals(node)).findFirst().orElseThrow();
  }

  void advance(Duration d) {
    clock.advance(d);
  }
}
