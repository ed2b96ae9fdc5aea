package io.pipool.agent.support;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/** Blocking helpers for the test thread (never an event loop). */
public final class Await {

  private Await() {}

  /** The future's result, failing the test after 20 s. */
  public static <T> T result(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("future failed: " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError("future did not complete: " + e, e);
    }
  }

  /**
   * Polls (Awaitility) until the condition holds; fails naming {@code what} after {@code limit}.
   */
  public static void until(String what, Duration limit, BooleanSupplier condition) {
    Awaitility.await(what)
        .atMost(limit)
        .pollInterval(Duration.ofMillis(50))
        .until(condition::getAsBoolean);
  }
}
