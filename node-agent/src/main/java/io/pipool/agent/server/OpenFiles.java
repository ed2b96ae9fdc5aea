package io.pipool.agent.server;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The files Static mode holds open while it sends them, counted against the agent's descriptor
 * budget (shared with connections, see {@link ConnectionGate}) so that a client stalling its
 * streams cannot make an accept fail with EMFILE for everyone:
 *
 * <ul>
 *   <li>one connection holds at most {@link #PER_CONNECTION} files open; its further requests wait
 *       (in order, without a descriptor) until one of them is done, so an h2 client that opens 100
 *       streams and reads none holds 8 descriptors, not 100;
 *   <li>when the budget is spent, a request for a file is answered 503 with Retry-After: the client
 *       opening files fails, not the accept of another client or the kubelet's probes;
 *   <li>an HTTP/2 response that makes no progress for the send timeout (the connection idle
 *       timeout, as nginx's send_timeout) is reset, which closes its file.
 * </ul>
 */
public final class OpenFiles {

  /** Files one connection may hold open at the same time. */
  public static final int PER_CONNECTION = 8;

  /** Seconds a client refused for lack of descriptors is asked to wait. */
  static final String RETRY_AFTER = "5";

  /** HTTP/2 error code CANCEL, for a stalled stream. */
  private static final long CANCEL = 0x8;

  private static final AttributeKey<Queue> KEY = AttributeKey.valueOf("pipool.open-files");

  private final Vertx vertx;
  private final ConnectionGate gate;
  private final long sendTimeoutMs;

  OpenFiles(Vertx vertx, ConnectionGate gate, long sendTimeoutMs) {
    this.vertx = vertx;
    this.gate = gate;
    this.sendTimeoutMs = sendTimeoutMs;
  }

  /** One connection's files: how many are open, and the requests waiting for one. */
  private static final class Queue {
    int open;
    final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  }

  /**
   * Sends a file with {@code send} once the connection may open one more; the future {@code send}
   * returns must complete once the file is closed. Runs on the connection's event loop.
   */
  void send(HttpServerRequest req, Supplier<Future<Void>> send) {
    Queue q = queue(req);
    if (q == null) {
      start(req, null, send);
    } else if (q.open < PER_CONNECTION) {
      start(req, q, send);
    } else {
      q.waiting.add(() -> start(req, q, send));
    }
  }

  private static Queue queue(HttpServerRequest req) {
    if (!(req.connection() instanceof ConnectionBase base)) {
      return null;
    }
    Channel ch = base.channel();
    Queue q = ch.attr(KEY).get();
    if (q == null) {
      q = new Queue();
      ch.attr(KEY).set(q);
    }
    return q;
  }

  private void start(HttpServerRequest req, Queue q, Supplier<Future<Void>> send) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      next(q);
      return;
    }
    if (!gate.tryOpenFile()) {
      resp.setStatusCode(503)
          .putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER)
          .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
          .end("503 Service Unavailable: too many open files\n");
      next(q);
      return;
    }
    if (q != null) {
      q.open++;
    }
    long timer = req.version() == HttpVersion.HTTP_2 ? watch(resp) : -1;
    Future<Void> sent;
    try {
      sent = send.get();
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        done -> {
          gate.fileClosed();
          if (timer >= 0) {
            vertx.cancelTimer(timer);
          }
          if (q != null) {
            q.open--;
            next(q);
          }
        });
  }

  private static void next(Queue q) {
    if (q != null) {
      Runnable r = q.waiting.poll();
      if (r != null) {
        r.run();
      }
    }
  }

  /**
   * Resets the stream once a whole send timeout passes with no byte written (so a stall ends within
   * two timeouts); returns the timer.
   */
  private long watch(HttpServerResponse resp) {
    return vertx.setPeriodic(
        sendTimeoutMs,
        new Handler<>() {
          long last = -1;

          @Override
          public void handle(Long id) {
            long now = resp.bytesWritten();
            if (resp.ended() || resp.closed()) {
              vertx.cancelTimer(id);
            } else if (now == last) {
              vertx.cancelTimer(id);
              resp.reset(CANCEL);
            }
            last = now;
          }
        });
  }
}
