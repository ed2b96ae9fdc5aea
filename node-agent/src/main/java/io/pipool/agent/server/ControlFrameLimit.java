package io.pipool.agent.server;

import io.vertx.core.http.HttpConnection;

/**
 * HTTP/2 flood limits. Netty acknowledges every SETTINGS and PING by itself, so a client can make
 * the agent write without end; this counts them per connection and answers a flood with GOAWAY
 * ENHANCE_YOUR_CALM and a close. Resets (the rapid-reset attack) are limited by Netty's own RST
 * flood protection, configured with the constants here; concurrent streams by the SETTINGS the
 * agent announces.
 */
final class ControlFrameLimit {

  /** SETTINGS plus PING frames a client may send per window. */
  static final int MAX_CONTROL_FRAMES = 100;

  /** RST_STREAM frames a client may send per window (Netty closes the connection beyond). */
  static final int MAX_RESETS = 200;

  /** The window for both counts. */
  static final int WINDOW_SECONDS = 10;

  /** Concurrent streams per connection, announced in the agent's SETTINGS. */
  static final long MAX_STREAMS = 100;

  /**
   * Largest header list a request may carry, announced in the agent's SETTINGS (as nginx's 8 KiB
   * large_client_header_buffers); Netty answers 431 past it and GOAWAY past 1.25 times it.
   */
  static final long MAX_HEADER_LIST_BYTES = 8192;

  /** HTTP/2 error code ENHANCE_YOUR_CALM (RFC 9113 section 7). */
  static final long ENHANCE_YOUR_CALM = 0xb;

  private final HttpConnection conn;
  private long windowStart = System.nanoTime();
  private int count;

  private ControlFrameLimit(HttpConnection conn) {
    this.conn = conn;
  }

  /** Starts counting on an HTTP/2 connection (HTTP/1.1 connections have no such frames). */
  static void watch(HttpConnection conn) {
    if (!isHttp2(conn)) {
      return;
    }
    ControlFrameLimit limit = new ControlFrameLimit(conn);
    conn.remoteSettingsHandler(s -> limit.frame());
    conn.pingHandler(b -> limit.frame());
  }

  private static boolean isHttp2(HttpConnection conn) {
    try {
      conn.settings(); // the local ones: always there on HTTP/2, unlike the peer's
      return true;
    } catch (UnsupportedOperationException http1) {
      return false;
    }
  }

  private void frame() {
    long now = System.nanoTime();
    if (now - windowStart > WINDOW_SECONDS * 1_000_000_000L) {
      windowStart = now;
      count = 0;
    }
    if (++count == MAX_CONTROL_FRAMES + 1) {
      conn.goAway(ENHANCE_YOUR_CALM);
      conn.close();
    }
  }
}
