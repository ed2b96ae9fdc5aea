package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; no fixed sleeps stand in for checks. */
final class Eventually {

  private Eventually() {}

  /** Waits up to {@code timeout} for {@code condition}; fails with {@code what} and the state. */
  static void await(
      Duration timeout, String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e; // the API may be briefly unavailable, e.g. while the operator restarts
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    fail(
        "timed out after "
            + timeout.toSeconds()
            + " s waiting for: "
            + what
            + "\n"
            + state.get()
            + (last == null ? "" : "\nlast error: " + last));
  }

  /** Waits up to {@code timeout} for {@code supplier} to give a non-null value, and returns it. */
  static <T> T value(Duration timeout, String what, Supplier<T> supplier) {
    AtomicReference<T> found = new AtomicReference<>();
    await(
        timeout,
        what,
        () -> {
          found.set(supplier.get());
          return found.get() != null;
        },
        () -> "");
    return found.get();
  }
}
