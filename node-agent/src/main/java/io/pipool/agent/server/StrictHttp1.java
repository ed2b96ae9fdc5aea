package io.pipool.agent.server;

import io.netty.channel.ChannelPipeline;
import io.vertx.core.http.HttpServerOptions;

/**
 * Strict HTTP/1.1 on the traffic port (RFC 9112): puts an {@link Http1Gate} at the front of every
 * accepted connection (right behind TLS), so that Vert.x's decoder only ever sees requests the gate
 * has validated, one at a time. The limits come from the decoder options, so the gate is never
 * laxer than the decoder behind it.
 */
final class StrictHttp1 {

  /** Chunk extension bytes allowed on one chunk line. */
  static final int MAX_EXTENSION_BYTES_PER_CHUNK = 1024;

  /** Chunk extension bytes allowed in one message (they also count against the body cap). */
  static final int MAX_EXTENSION_BYTES_PER_MESSAGE = 4096;

  private final Http1Parser.Limits limits;
  private final long headTimeoutMs;
  private final long bodyTimeoutMs;
  private final boolean sniff;

  /**
   * Settings for connections of a server with {@code options}: a head must be complete within
   * {@code headTimeoutMs} of its first byte, a body within {@code bodyTimeoutMs} of its first.
   */
  StrictHttp1(HttpServerOptions options, long headTimeoutMs, long bodyTimeoutMs) {
    boolean h2c = options.isHttp2ClearTextEnabled() && !options.isSsl();
    this.limits =
        new Http1Parser.Limits(
            options.getMaxInitialLineLength(),
            options.getMaxHeaderSize(),
            TrafficVerticle.MAX_BODY_BYTES,
            MAX_EXTENSION_BYTES_PER_CHUNK,
            MAX_EXTENSION_BYTES_PER_MESSAGE,
            h2c);
    this.headTimeoutMs = headTimeoutMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
    this.sniff = h2c || options.isSsl() && options.isUseAlpn();
  }

  /** Puts a new gate at the front of {@code p}, right behind TLS when there is TLS. */
  void install(ChannelPipeline p) {
    Http1Gate gate = new Http1Gate(limits, headTimeoutMs, bodyTimeoutMs, sniff);
    if (p.get("ssl") != null) {
      p.addAfter("ssl", Http1Gate.NAME, gate);
    } else {
      p.addFirst(Http1Gate.NAME, gate);
    }
  }
}
