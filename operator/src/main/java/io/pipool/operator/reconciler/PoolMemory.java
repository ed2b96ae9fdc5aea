package io.pipool.operator.reconciler;

import io.pipool.api.agent.AgentStatus;
import io.pipool.autoscale.Memory;
import io.pipool.operator.poll.PollResult;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the operator remembers about one pool between reconciles. Immutable: a reconcile reads the
 * last one and leaves the next one in its place; poll results reach it only through the {@link
 * PollTrigger}'s handoff, never from the poller's threads.
 *
 * @param latest latest poll result per node
 * @param lastGood when each node last gave a valid answer
 * @param lastGoodStatus the last valid document of each node
 * @param hotSince when each node's first sample at or above the drain threshold arrived
 * @param lastPollStarted when the last poll of the pool started, null before the first
 * @param decided the autoscaler's memory as this operator's last decision left it (node phases,
 *     recommendations, scale moves, desired count); null until seeded from status after a start.
 *     The status a reconcile is handed may predate this operator's own last write, so none of it is
 *     read back from there once seeded: a move missing there would let the rate policies allow it
 *     again, an older desired count would lower the size missing data holds.
 */
record PoolMemory(
    Map<String, PollResult> latest,
    Map<String, Instant> lastGood,
    Map<String, AgentStatus> lastGoodStatus,
    Map<String, Instant> hotSince,
    Instant lastPollStarted,
    Memory decided) {

  static final PoolMemory EMPTY =
      new PoolMemory(Map.of(), Map.of(), Map.of(), Map.of(), null, null);

  PoolMemory {
    latest = Map.copyOf(latest);
    lastGood = Map.copyOf(lastGood);
    lastGoodStatus = Map.copyOf(lastGoodStatus);
    hotSince = Map.copyOf(hotSince);
  }

  /** One round of poll results folded in; nodes this round did not poll lose their latest. */
  PoolMemory withResults(List<PollResult> results) {
    Map<String, PollResult> nextLatest = new HashMap<>();
    Map<String, Instant> nextGood = new HashMap<>(lastGood);
    Map<String, AgentStatus> nextGoodStatus = new HashMap<>(lastGoodStatus);
    for (PollResult r : results) {
      String node = r.target().node();
      nextLatest.put(node, r);
      if (r.ok()) {
        nextGood.put(node, r.at());
        nextGoodStatus.put(node, r.status());
      }
    }
    return new PoolMemory(nextLatest, nextGood, nextGoodStatus, hotSince, lastPollStarted, decided);
  }

  /** Only the nodes still in the pool. */
  PoolMemory retainNodes(Set<String> nodes) {
    return new PoolMemory(
        retain(latest, nodes),
        retain(lastGood, nodes),
        retain(lastGoodStatus, nodes),
        retain(hotSince, nodes),
        lastPollStarted,
        decided);
  }

  PoolMemory withPollStarted(Instant at) {
    return new PoolMemory(latest, lastGood, lastGoodStatus, hotSince, at, decided);
  }

  PoolMemory withHotSince(Map<String, Instant> hot) {
    return new PoolMemory(latest, lastGood, lastGoodStatus, hot, lastPollStarted, decided);
  }

  PoolMemory withDecided(Memory next) {
    return new PoolMemory(latest, lastGood, lastGoodStatus, hotSince, lastPollStarted, next);
  }

  private static <V> Map<String, V> retain(Map<String, V> map, Set<String> nodes) {
    Map<String, V> kept = new HashMap<>(map);
    kept.keySet().retainAll(nodes);
    return kept;
  }
}
