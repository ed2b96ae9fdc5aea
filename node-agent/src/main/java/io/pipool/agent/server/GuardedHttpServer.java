package io.pipool.agent.server;

import io.netty.channel.Channel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SslChannelProvider;
import io.vertx.core.net.impl.TCPServerBase;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A Vert.x HTTP server that sees each connection the moment it is accepted, before Vert.x sniffs
 * for h2c or completes a TLS handshake: admission, the first-head deadline and strict HTTP/1.1
 * framing are installed there. Vert.x 4.5 has no public hook at that point, so this extends its
 * server implementation; the hostile-client tests fail if a Vert.x upgrade moves it.
 */
final class GuardedHttpServer extends HttpServerImpl {

  private static final String HOOK = "pipool-accept";

  private final StrictHttp1 http1;
  private final ConnectionGuard guard;

  GuardedHttpServer(Vertx vertx, HttpServerOptions options, ConnectionGuard guard) {
    super((VertxInternal) vertx, options);
    // A body has as long as a keep-alive connection may stay idle: one idle timeout.
    long bodyTimeoutMs =
        Math.max(
            guard.headerTimeoutMs(),
            options.getIdleTimeoutUnit().toMillis(options.getIdleTimeout()));
    this.http1 = new StrictHttp1(options, guard.headerTimeoutMs(), bodyTimeoutMs);
    this.guard = guard;
  }

  /**
   * Listens, then puts the guard's accept hook into the listening channel, so that sockets are
   * decided on the acceptor thread, before they are handed to an event loop: a burst cannot pile up
   * descriptors faster than the loops can close them. Servers sharing the port share the hook.
   */
  @Override
  public synchronized Future<HttpServer> listen(SocketAddress address) {
    return super.listen(address).onSuccess(s -> listeningChannel().ifPresent(this::hook));
  }

  private void hook(Channel listening) {
    synchronized (listening) {
      if (listening.pipeline().get(HOOK) == null) {
        listening.pipeline().addFirst(HOOK, guard.acceptHook());
      }
    }
  }

  /** The bound channel, held privately by Vert.x's TCPServerBase; empty on a sharing server. */
  @SuppressWarnings("unchecked")
  private Optional<Channel> listeningChannel() {
    try {
      Field f = TCPServerBase.class.getDeclaredField("bindFuture");
      f.setAccessible(true);
      Future<Channel> bound = (Future<Channel>) f.get(this);
      return bound != null && bound.succeeded() ? Optional.of(bound.result()) : Optional.empty();
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this Vert.x version hides its listening channel", e);
    }
  }

  @Override
  protected BiConsumer<Channel, SslChannelProvider> childHandler(
      ContextInternal context, SocketAddress address, GlobalTrafficShapingHandler shaping) {
    BiConsumer<Channel, SslChannelProvider> vertxSetup =
        super.childHandler(context, address, shaping);
    return (ch, ssl) -> {
      if (!guard.onAccept(ch)) {
        return; // closed at once: over the cap with too many rejections already waiting
      }
      vertxSetup.accept(ch, ssl);
      http1.install(ch.pipeline());
      Http2FrameGate.install(ch.pipeline()); // last, so that it sits in front of the h1 gate
    };
  }
}
