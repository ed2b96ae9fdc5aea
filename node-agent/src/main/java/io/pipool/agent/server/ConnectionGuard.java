package io.pipool.agent.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Per-connection admission and the first-head deadline, decided when the socket is accepted (before
 * TLS, before h2c sniffing, before any byte is read). An admitted connection counts against the cap
 * from that moment; one past the cap is answered 503 with Retry-After on its first request and
 * closed, or closed after {@link #REJECT_FUSE_MS} if it sends none; at most {@link #REJECT_BACKLOG}
 * of those wait at once, further ones are closed at accept, so the descriptors a client can hold
 * are bounded by the cap plus that backlog. A connection whose first request head is not complete
 * within the header timeout is closed, whatever its protocol.
 */
public final class ConnectionGuard {

  /** Seconds a rejected client is asked to wait. */
  static final String RETRY_AFTER = "5";

  /** How long a connection past the cap may take to send the request its 503 answers. */
  public static final long REJECT_FUSE_MS = 2_000;

  /** Connections past the cap allowed to wait for their 503 at the same time. */
  public static final int REJECT_BACKLOG = 32;

  private static final AttributeKey<Admission> KEY = AttributeKey.valueOf("pipool.admission");
  private static final ChannelHandler FLUSH_ON_CLOSE = new FlushOnClose();

  private final ConnectionGate gate;
  private final long headerTimeoutMs;
  private final Supplier<String> refusal;
  private final AtomicInteger awaitingHead = new AtomicInteger();
  private final AtomicInteger rejectedOpen = new AtomicInteger();

  /**
   * A guard counting against {@code gate}; {@code refusal} is the 503 body for a connection past
   * the cap. All traffic verticles of an agent share one guard.
   */
  public ConnectionGuard(ConnectionGate gate, int headerTimeoutSeconds, Supplier<String> refusal) {
    this.gate = gate;
    this.headerTimeoutMs = headerTimeoutSeconds * 1000L;
    this.refusal = refusal;
  }

  /** The state of one accepted connection. */
  private static final class Admission {
    final boolean admitted;
    final AtomicBoolean awaitingHead = new AtomicBoolean(true);
    volatile ScheduledFuture<?> fuse;

    Admission(boolean admitted) {
      this.admitted = admitted;
    }
  }

  /**
   * Decides for a socket the moment it is accepted, on the acceptor thread (or, for the few
   * accepted before that hook is in place, on the connection's own loop). A socket refused outright
   * is closed here, before it costs more than a moment's descriptor; false then.
   */
  boolean decide(Channel ch) {
    if (ch.hasAttr(KEY)) {
      return true;
    }
    boolean admitted = gate.tryAcquire();
    if (!admitted && rejectedOpen.incrementAndGet() > REJECT_BACKLOG) {
      rejectedOpen.decrementAndGet();
      ch.unsafe().closeForcibly();
      return false;
    }
    Admission a = new Admission(admitted);
    ch.attr(KEY).set(a);
    awaitingHead.incrementAndGet();
    // The close future, not a handler: Vert.x strips foreign handlers on an h2c upgrade.
    ch.closeFuture()
        .addListener(
            f -> {
              ScheduledFuture<?> fuse = a.fuse;
              if (fuse != null) {
                fuse.cancel(false);
              }
              stopWaiting(a);
              if (admitted) {
                gate.release();
              } else {
                rejectedOpen.decrementAndGet();
              }
            });
    return true;
  }

  /**
   * Called on the connection's event loop once it is registered, before Vert.x sees it; false when
   * it was closed at once.
   */
  boolean onAccept(Channel ch) {
    if (!decide(ch)) {
      return false;
    }
    Admission a = ch.attr(KEY).get();
    long fuse = a.admitted ? headerTimeoutMs : Math.min(headerTimeoutMs, REJECT_FUSE_MS);
    a.fuse =
        ch.eventLoop()
            .schedule(
                () -> {
                  if (stopWaiting(a)) {
                    ch.close();
                  }
                },
                fuse,
                TimeUnit.MILLISECONDS);
    ch.pipeline().addFirst("pipool-flush-on-close", FLUSH_ON_CLOSE);
    return true;
  }

  /** The handler that decides on the acceptor thread; it goes into the listening channel. */
  ChannelHandler acceptHook() {
    return new AcceptHook();
  }

  @ChannelHandler.Sharable
  private final class AcceptHook extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof Channel child) || decide(child)) {
        ctx.fireChannelRead(msg);
      }
    }
  }

  /** Ends the wait for the first head; true only for the call that ended it. */
  private boolean stopWaiting(Admission a) {
    if (a.awaitingHead.compareAndSet(true, false)) {
      awaitingHead.decrementAndGet();
      return true;
    }
    return false;
  }

  /** True when the request may be served; otherwise it has been answered 503. */
  boolean admit(HttpServerRequest req) {
    HttpConnection conn = req.connection();
    Admission a = conn instanceof ConnectionBase base ? base.channel().attr(KEY).get() : null;
    if (a == null) {
      return true;
    }
    ScheduledFuture<?> fuse = a.fuse;
    if (stopWaiting(a) && fuse != null) {
      fuse.cancel(false);
      a.fuse = null; // a cancelled task would otherwise stay reachable for the connection's life
    }
    if (a.admitted) {
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
    resp.end(refusal.get()).onComplete(v -> conn.close());
    return false;
  }

  /** How long a client has to send a request head. */
  long headerTimeoutMs() {
    return headerTimeoutMs;
  }

  /** The gate this guard counts against (Static mode counts its open files there too). */
  ConnectionGate gate() {
    return gate;
  }

  /** Connections accepted that have not yet completed a first request head. */
  public int awaitingHead() {
    return awaitingHead.get();
  }

  /** Connections past the cap still open (waiting for their 503 or its close). */
  public int rejectedOpen() {
    return rejectedOpen.get();
  }

  /**
   * Flushes what was written before a close goes through: Vert.x closes at once after a decoding
   * error, and the 400 written just before must still reach the client.
   */
  @ChannelHandler.Sharable
  private static final class FlushOnClose extends ChannelOutboundHandlerAdapter {
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      ctx.flush();
      ctx.close(promise);
    }
  }
}
