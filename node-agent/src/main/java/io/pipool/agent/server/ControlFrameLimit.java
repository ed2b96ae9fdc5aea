package io.pipool.agent.server;

/**
 * HTTP/2 limits. Netty acknowledges every SETTINGS and PING by itself, so a client can make the
 * agent write without end, and a client that opens and resets streams (the rapid-reset attack)
 * makes it work without end: {@link Http2FrameGate} counts both per connection and answers a flood
 * with GOAWAY ENHANCE_YOUR_CALM and a lingering close (Netty's own reset limit, configured with the
 * same constants, stays behind it). Concurrent streams and header lists are bounded by the SETTINGS
 * the agent announces.
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

  private ControlFrameLimit() {}
}
