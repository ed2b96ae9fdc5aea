package io.pipool.operator.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Awaitility with the operator tests' defaults: a 60 s deadline, exceptions retried. */
public final class Waiting {

  /**
   * Long enough for a reconcile under load on a shared build machine (a loaded 2-core machine took
   * 30 s from a pool's create to its first status); a passing test waits no longer for it.
   */
  public static final Duration DEADLINE = Duration.ofSeconds(60);

  private Waiting() {}

  /** Waits for {@code what}; an exception in the condition counts as "not yet". */
  public static ConditionFactory eventually(String what) {
    return Awaitility.await(what)
        .atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions();
  }
}
