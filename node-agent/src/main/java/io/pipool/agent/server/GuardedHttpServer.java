package io.pipool.agent.server;

import io.netty.channel.Channel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SslChannelProvider;
import java.util.function.BiConsumer;

/**
 * A Vert.x HTTP server that sees each connection the moment it is accepted, before Vert.x sniffs
 * for h2c or completes a TLS handshake: admission, the first-head deadline and strict HTTP/1.1
 * framing are installed there. Vert.x 4.5 has no public hook at that point, so this extends its
 * server implementation; the hostile-client tests fail if a Vert.x upgrade moves it.
 */
final class GuardedHttpServer extends HttpServerImpl {

  private final HttpServerOptions options;
  private final ConnectionGuard guard;

  GuardedHttpServer(Vertx vertx, HttpServerOptions options, ConnectionGuard guard) {
    super((VertxInternal) vertx, options);
    this.options = new HttpServerOptions(options);
    this.guard = guard;
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
      StrictHttp1.install(ch.pipeline(), options);
    };
  }
}
