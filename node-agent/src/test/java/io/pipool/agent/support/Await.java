package io.pipool.agent.support;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/** Blocking on a Vert.x future from the test thread (never an event loop). */
public final class Await {

  /**
   * How long a test waits for something the agent does in the background (a connection released, a
   * file closed, a port closed): generous for a loaded 2-core build machine, and no deadline the
   * agent promises; a test of a promised deadline states its own.
   */
  public static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(20);

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
