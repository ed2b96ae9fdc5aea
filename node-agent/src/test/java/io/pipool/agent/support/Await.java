package io.pipool.agent.support;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Blocking on a Vert.x future from the test thread (never an event loop). */
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
}
