package io.pipool.agent.server;

import io.pipool.agent.status.AgentState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-connection admission and the header-read timeout. The decision is made once, when the
 * connection opens: a connection past the cap is counted as rejected, answered 503 with Retry-After
 * on its first request and closed. A connection that sends no complete request head within the
 * header timeout is closed. Requests on established connections cost one emptiness check while no
 * connection is waiting for its first request.
 */
public final class ConnectionGuard {

  /** Seconds a rejected client is asked to wait. */
  static final String RETRY_AFTER = "5";

  private record Pending(long timerId, boolean rejected) {}

  private final Vertx vertx;
  private final AgentState state;
  private final long headerTimeoutMs;
  private final ConcurrentHashMap<HttpConnection, Pending> pending = new ConcurrentHashMap<>();

  /** A guard for one agent; all its traffic verticles share it. */
  public ConnectionGuard(Vertx vertx, AgentState state, int headerTimeoutSeconds) {
    this.vertx = vertx;
    this.state = state;
    this.headerTimeoutMs = headerTimeoutSeconds * 1000L;
  }

  /** Called by the server for every new connection. */
  void onConnection(HttpConnection conn) {
    boolean admitted = state.gate().tryAcquire();
    // A rejected connection gets a short fuse: it holds a descriptor without being counted.
    long fuse = admitted ? headerTimeoutMs : Math.min(headerTimeoutMs, 2_000);
    long timer =
        vertx.setTimer(
            fuse,
            id -> {
              if (pending.remove(conn) != null) {
                conn.close();
              }
            });
    pending.put(conn, new Pending(timer, !admitted));
    conn.closeHandler(
        v -> {
          Pending p = pending.remove(conn);
          if (p != null) {
            vertx.cancelTimer(p.timerId());
          }
          if (admitted) {
            state.gate().release();
          }
        });
  }

  /** True when the request may be served; otherwise it has been answered 503. */
  boolean admit(HttpServerRequest req) {
    if (pending.isEmpty()) {
      return true;
    }
    Pending p = pending.remove(req.connection());
    if (p == null) {
      return true;
    }
    vertx.cancelTimer(p.timerId());
    if (!p.rejected()) {
      return true;
    }
    var resp =
        req.response()
            .setStatusCode(503)
            .putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER)
            .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain");
    if (req.version() != HttpVersion.HTTP_2) {
      resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    HttpConnection conn = req.connection();
    resp.end(reason()).onComplete(v -> conn.close());
    return false;
  }

  /** Connections waiting for their first request head. */
  int pending() {
    return pending.size();
  }

  private String reason() {
    if (state.draining()) {
      return "503 Service Unavailable: shutting down\n";
    }
    return state.shedding()
        ? "503 Service Unavailable: too hot, shedding load\n"
        : "503 Service Unavailable: connection limit reached\n";
  }
}
