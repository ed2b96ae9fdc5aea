package io.pipool.operator.reconciler;

import io.javaoperatorsdk.operator.health.Status;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.AbstractEventSource;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.poll.PollResult;
import java.util.Set;

/** Event source that asks for a pool's reconcile as soon as a poll of its agents completes. */
final class PollTrigger extends AbstractEventSource<PollResult, PiServerPool> {

  PollTrigger() {
    super(PollResult.class, "agent-poll");
  }

  void fire(ResourceID pool) {
    if (isRunning()) {
      getEventHandler().handleEvent(new Event(pool));
    }
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
