package io.pipool.operator.reconciler;

import io.pipool.api.agent.AgentStatus;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.ScaleMove;
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
 * @param history recommendation history; null until seeded from status after a start
 * @param moves the scale moves this operator made or read, newest last; null until seeded from
 *     status after a start (the status a reconcile is handed may predate this operator's own last
 *     write, and a move missing there would let the rate policies allow it again)
 */
record PoolMemory(
    Map<String, PollResult> latest,
    Map<String, Instant> lastGood,
    Map<String, AgentStatus> lastGoodStatus,
    Map<String, Instant> hotSince,
    Instant lastPollStarted,
    List<Decision.Recommendation> history,
    List<ScaleMove> moves) {

  static final PoolMemory EMPTY =
      new PoolMemory(Map.of(), Map.of(), Map.of(), Map.of(), null, null, null);

  PoolMemory {
    latest = Map.copyOf(latest);
    lastGood = Map.copyOf(lastGood);
    lastGoodStatus = Map.copyOf(lastGoodStatus);
    hotSince = Map.copyOf(hotSince);
    history = history == null ? null : List.copyOf(history);
    moves = moves == null ? null : List.copyOf(moves);
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
    return new PoolMemory(
        nextLatest, nextGood, nextGoodStatus, hotSince, lastPollStarted, history, moves);
  }

  /** Only the nodes still in the pool. */
  PoolMemory retainNodes(Set<String> nodes) {
    return new PoolMemory(
        retain(latest, nodes),
        retain(lastGood, nodes),
        retain(lastGoodStatus, nodes),
        retain(hotSince, nodes),
        lastPollStarted,
        history,
        moves);
  }

  PoolMemory withPollStarted(Instant at) {
    return new PoolMemory(latest, lastGood, lastGoodStatus, hotSince, at, history, moves);
  }

  PoolMemory withHotSince(Map<String, Instant> hot) {
    return new PoolMemory(latest, lastGood, lastGoodStatus, hot, lastPollStarted, history, moves);
  }

  PoolMemory withHistory(List<Decision.Recommendation> next) {
    return new PoolMemory(latest, lastGood, lastGoodStatus, hotSince, lastPollStarted, next, moves);
  }

  PoolMemory withMoves(List<ScaleMove> next) {
    return new PoolMemory(
        latest, lastGood, lastGoodStatus, hotSince, lastPollStarted, history, next);
  }

  private static <V> Map<String, V> retain(Map<String, V> map, Set<String> nodes) {
    Map<String, V> kept = new HashMap<>(map);
    kept.keySet().retainAll(nodes);
    return kept;
  }
}
