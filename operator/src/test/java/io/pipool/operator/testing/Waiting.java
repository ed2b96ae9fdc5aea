package io.pipool.operator.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Awaitility with the operator tests' defaults: a 20 s deadline, exceptions retried. */
public final class Waiting {

  /** Long enough for a reconcile under load on a shared build machine. */
  public static final Duration DEADLINE = Duration.ofSeconds(20);

  private Waiting() {}

  /** Waits for {@code what}; an exception in the condition counts as "not yet". */
  public static ConditionFactory eventually(String what) {
    return Awaitility.await(what)
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions();
  }
}
