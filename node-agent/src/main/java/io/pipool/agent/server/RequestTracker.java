package io.pipool.agent.server;

import io.pipool.agent.status.AgentMetrics;
import io.pipool.agent.status.AgentState;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;

/**
 * Follows one request from head to response end (or connection loss), for the in-flight count the
 * drain waits on and the duration histogram. Counts each request exactly once.
 */
final class RequestTracker implements Handler<Void> {

  private final AgentState state;
  private final AgentMetrics metrics;
  private final long startNanos;
  private boolean done;
  private Runnable onClientGone;

  private RequestTracker(AgentState state, AgentMetrics metrics) {
    this.state = state;
    this.metrics = metrics;
    this.startNanos = System.nanoTime();
  }

  /** Starts tracking the request behind {@code resp}. */
  static RequestTracker start(AgentState state, AgentMetrics metrics, HttpServerResponse resp) {
    RequestTracker t = new RequestTracker(state, metrics);
    state.requestStarted();
    resp.endHandler(t);
    resp.closeHandler(
        v -> {
          Runnable r = t.onClientGone;
          if (r != null) {
            r.run();
          }
          t.handle(null);
        });
    return t;
  }

  /** Runs {@code action} when the client goes away before the response has ended. */
  void onClientGone(Runnable action) {
    this.onClientGone = action;
  }

  @Override
  public void handle(Void ignored) {
    if (done) {
      return;
    }
    done = true;
    state.requestFinished();
    metrics.observe(System.nanoTime() - startNanos);
  }
}
