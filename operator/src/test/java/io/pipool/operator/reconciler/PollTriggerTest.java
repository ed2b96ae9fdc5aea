package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pipool.operator.poll.PollResult;
import io.pipool.operator.poll.PollTarget;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handoff of poll results from the poller's threads to the pool's reconcile. */
class PollTriggerTest {

  private static final ResourceID POOL = new ResourceID("web", "ns");
  private static final List<PollResult> ROUND =
      List.of(
          new PollResult(
              new PollTarget("pi-1", "web-agent-1", "10.0.0.1", 9090),
              Instant.parse("2026-01-01T00:00:00Z"),
              null,
              "connection refused"));

  @Test
  void onePollInFlightPerPoolUntilItsResultsAreTaken() {
    PollTrigger trigger = new PollTrigger();
    assertThat(trigger.start(POOL)).isTrue();
    assertThat(trigger.start(POOL)).as("still running").isFalse();
    assertThat(trigger.take(POOL)).as("nothing delivered yet").isEmpty();

    trigger.deliver(POOL, ROUND);
    assertThat(trigger.start(POOL)).as("delivered but unread").isFalse();
    assertThat(trigger.take(POOL)).contains(ROUND);
    assertThat(trigger.take(POOL)).as("taken once").isEmpty();
    assertThat(trigger.start(POOL)).as("the next poll may start").isTrue();
  }

  @Test
  void resultsArrivingAfterThePoolWasForgottenAreDropped() {
    PollTrigger trigger = new PollTrigger();
    trigger.start(POOL);
    trigger.forget(POOL);

    trigger.deliver(POOL, ROUND);

    assertThat(trigger.take(POOL)).isEmpty();
    assertThat(trigger.start(POOL)).isTrue();
  }
}
