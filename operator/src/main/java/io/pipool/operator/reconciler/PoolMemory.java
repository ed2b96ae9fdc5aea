package io.pipool.operator.reconciler;

import io.pipool.api.agent.AgentStatus;
import io.pipool.autoscale.Decision;
import io.pipool.operator.poll.PollResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/** What the operator remembers about one pool between reconciles (samples, history). */
final class PoolMemory {

  /** Latest poll result per node. */
  final Map<String, PollResult> latest = new ConcurrentHashMap<>();

  /** When each node last gave a valid answer. */
  final Map<String, Instant> lastGood = new ConcurrentHashMap<>();

  /** The last valid document of each node. */
  final Map<String, AgentStatus> lastGoodStatus = new ConcurrentHashMap<>();

  /** When each node's first sample at or above the drain threshold arrived. */
  final Map<String, Instant> hotSince = new ConcurrentHashMap<>();

  final AtomicBoolean polling = new AtomicBoolean();

  volatile Instant lastPollStarted;

  /** Recommendation history; null until seeded from status after a start. */
  volatile List<Decision.Recommendation> history;

  /** Stores one round of poll results; nodes no longer polled are forgotten. */
  void store(List<PollResult> results) {
    java.util.Set<String> polled = new java.util.HashSet<>();
    for (PollResult r : results) {
      String node = r.target().node();
      polled.add(node);
      latest.put(node, r);
      if (r.ok()) {
        lastGood.put(node, r.at());
        lastGoodStatus.put(node, r.status());
      }
    }
    latest.keySet().retainAll(polled);
  }

  /** Forgets nodes that left the pool. */
  void retainNodes(java.util.Set<String> nodes) {
    latest.keySet().retainAll(nodes);
    lastGood.keySet().retainAll(nodes);
    lastGoodStatus.keySet().retainAll(nodes);
    hotSince.keySet().retainAll(nodes);
  }
}
