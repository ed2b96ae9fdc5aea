package io.pipool.operator.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for eventually-consistent state; fails with a description when it never arrives. */
public final class Await {

  public static final Duration DEFAULT = Duration.ofSeconds(20);

  private Await() {}

  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition);
  }

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
        last = null;
      } catch (RuntimeException e) {
        last = e;
      }
      sleep(50);
    }
    throw new AssertionError("never happened: " + what, last);
  }

  /** Waits for a value that satisfies the condition and returns it. */
  public static <T> T value(String what, Supplier<T> supplier, java.util.function.Predicate<T> ok) {
    Object[] holder = new Object[1];
    until(
        what,
        () -> {
          T v = supplier.get();
          holder[0] = v;
          return v != null && ok.test(v);
        });
    @SuppressWarnings("unchecked")
    T v = (T) holder[0];
    return v;
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
