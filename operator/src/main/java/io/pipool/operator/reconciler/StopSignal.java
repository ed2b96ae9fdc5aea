package io.pipool.operator.reconciler;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Raised once the operator begins to stop. From then on the SDK stops the informers, and a stopped
 * informer answers every read with nothing (the Java Operator SDK drops its per-namespace caches on
 * stop), so a reconcile still running would see a pool without pods or DaemonSet: nothing it reads
 * afterwards may be acted on or published.
 */
public final class StopSignal {

  private final AtomicBoolean raised = new AtomicBoolean();

  /** Marks the start of the stop; called before the SDK is told to stop. */
  public void raise() {
    raised.set(true);
  }

  /** Whether the stop has begun. */
  public boolean raised() {
    return raised.get();
  }
}
