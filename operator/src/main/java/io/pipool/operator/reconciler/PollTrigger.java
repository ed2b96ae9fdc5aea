package io.pipool.operator.reconciler;

import io.javaoperatorsdk.operator.health.Status;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.poll.PollResult;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The handoff between the poller's threads and a pool's reconciles: a poll's results wait here
 * until the pool's next reconcile takes them, and their arrival asks for that reconcile at once. At
 * most one poll per pool is in flight, from its start until its results are taken.
 */
final class PollTrigger extends AbstractEventSource<PollResult, PiServerPool> {

  /** Pools with a poll in flight: empty while it runs, then its results until taken. */
  private final ConcurrentMap<ResourceID, Optional<List<PollResult>>> inFlight =
      new ConcurrentHashMap<>();

  PollTrigger() {
    super(PollResult.class, "agent-poll");
  }

  /** Claims the pool's next poll; false while another one is in flight or its results unread. */
  boolean start(ResourceID pool) {
    return inFlight.putIfAbsent(pool, Optional.empty()) == null;
  }

  /** On the poller's thread: leaves the results for the pool's reconcile and asks for one. */
  void deliver(ResourceID pool, List<PollResult> results) {
    if (inFlight.replace(pool, Optional.empty(), Optional.of(List.copyOf(results)))
        && isRunning()) {
      getEventHandler().handleEvent(new Event(pool));
    }
  }

  /** The results delivered since the last call, if any; the pool may poll again after them. */
  Optional<List<PollResult>> take(ResourceID pool) {
    Optional<List<PollResult>> arrived = inFlight.get(pool);
    if (arrived != null && arrived.isPresent() && inFlight.remove(pool, arrived)) {
      return arrived;
    }
    return Optional.empty();
  }

  /** Drops whatever is pending for a deleted pool; a late delivery is then ignored. */
  void forget(ResourceID pool) {
    inFlight.remove(pool);
  }

  /** Healthy while running: the operator's /readyz requires every event source to be healthy. */
  @Override
  public Status getStatus() {
    return isRunning() ? Status.HEALTHY : Status.UNHEALTHY;
  }

  @Override
  public Set<PollResult> getSecondaryResources(PiServerPool primary) {
    return Set.of();
  }
}
