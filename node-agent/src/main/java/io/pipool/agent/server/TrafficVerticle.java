package io.pipool.agent.server;

import io.pipool.agent.status.AgentMetrics;
import io.pipool.agent.status.AgentState;
import io.pipool.api.agent.AgentConfig;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The traffic port: one instance per event loop, all sharing the agent's state, gate and guard.
 * Completes its start only once the server listens.
 */
public final class TrafficVerticle extends AbstractVerticle {

  /** Largest request body accepted (by Content-Length), as nginx's client_max_body_size. */
  static final long MAX_BODY_BYTES = 1 << 20;

  /** Upstream connections kept per event loop in Proxy mode. */
  public static final int PROXY_POOL_SIZE = 128;

  private final AgentConfig.Server cfg;
  private final int port;
  private final AgentState state;
  private final AgentMetrics metrics;
  private final ConnectionGuard guard;
  private Handler<HttpServerRequest> mode;
  private HttpServer server;

  /**
   * A traffic server for {@code cfg}, listening on {@code port} (which may differ from cfg's; a
   * negative port is a random one, shared by every server given the same negative port).
   */
  public TrafficVerticle(
      AgentConfig.Server cfg,
      int port,
      AgentState state,
      AgentMetrics metrics,
      ConnectionGuard guard) {
    this.cfg = cfg;
    this.port = port;
    this.state = state;
    this.metrics = metrics;
    this.guard = guard;
  }

  @Override
  public void start(Promise<Void> started) {
    mode =
        switch (cfg.mode()) {
          case Echo -> new EchoHandler(cfg.echoBodyBytes(), cfg.compression());
          case Static ->
              new StaticHandler(
                  vertx,
                  cfg.staticDir(),
                  cfg.compression(),
                  new OpenFiles(vertx, guard.gate(), cfg.idleTimeoutSeconds() * 1000L));
          case Proxy ->
              new ProxyHandler(
                  vertx,
                  vertx.createHttpClient(
                      new HttpClientOptions()
                          .setKeepAlive(true)
                          .setMaxPoolSize(PROXY_POOL_SIZE)
                          .setMaxWaitQueueSize(ProxyHandler.WAIT_QUEUE)
                          .setPoolCleanerPeriod(1000)
                          .setKeepAliveTimeout(30)
                          .setTrustAll(false)),
                  cfg.upstream(),
                  upstreamTimeoutMs(cfg.idleTimeoutSeconds()),
                  cfg.idleTimeoutSeconds() * 1000L);
        };
    server = new GuardedHttpServer(vertx, options(), guard);
    server
        .invalidRequestHandler(BadRequests::answer)
        .requestHandler(this::handle)
        .listen(port, cfg.host())
        .onSuccess(s -> started.complete())
        .onFailure(e -> started.fail(ListenFailure.of("traffic", cfg.host(), port, e)));
  }

  /**
   * How long the upstream may stay silent: just under the client idle timeout, so that the 504
   * still reaches a client whose connection would otherwise be closed as idle first.
   */
  static long upstreamTimeoutMs(int idleTimeoutSeconds) {
    return Math.max(500, idleTimeoutSeconds * 1000L - 500);
  }

  /** The port actually bound. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private void handle(HttpServerRequest req) {
    if (!guard.admit(req)) {
      return;
    }
    var resp = req.response();
    RequestTracker tracker = RequestTracker.start(state, metrics, resp);
    boolean http1 = req.version() != HttpVersion.HTTP_2;
    if (http1) {
      // Decided when the head goes out, so a request already in flight when the drain starts
      // also tells its client not to reuse the connection.
      resp.headersEndHandler(
          v -> {
            if (state.draining()) {
              resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            }
          });
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && tooLong(length)) {
      resp.setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain");
      if (http1) {
        resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
      resp.end("413 Request Entity Too Large\n");
      return;
    }
    if (mode instanceof ProxyHandler proxy) {
      proxy.handle(req, tracker);
    } else if (BadRequests.hasBody(req)) {
      // Read the body before answering, so a body that breaks its framing still gets its 400.
      BadRequests.afterBody(req, MAX_BODY_BYTES, () -> mode.handle(req));
    } else {
      mode.handle(req);
    }
  }

  private static boolean tooLong(String length) {
    try {
      return Long.parseLong(length.trim()) > MAX_BODY_BYTES;
    } catch (NumberFormatException e) {
      return true; // a Content-Length that is not a number is not something to read
    }
  }

  private HttpServerOptions options() {
    HttpServerOptions o =
        new HttpServerOptions()
            .setIdleTimeout(cfg.idleTimeoutSeconds())
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setCompressionSupported(cfg.compression())
            .setHttp2ClearTextEnabled(cfg.http2())
            // The kernel caps the backlog at net.core.somaxconn, which apply-sysctls raises.
            .setAcceptBacklog(Math.max(1024, cfg.maxConnections()))
            .setTcpNoDelay(true)
            .setReuseAddress(true)
            // The agent serves no WebSockets: without these Vert.x would put a WebSocket
            // extension handler and two deflate handshakers into every HTTP/1.1 connection.
            .setPerFrameWebSocketCompressionSupported(false)
            .setPerMessageWebSocketCompressionSupported(false)
            .setInitialSettings(
                new Http2Settings()
                    .setMaxConcurrentStreams(ControlFrameLimit.MAX_STREAMS)
                    .setMaxHeaderListSize(ControlFrameLimit.MAX_HEADER_LIST_BYTES))
            .setHttp2RstFloodMaxRstFramePerWindow(ControlFrameLimit.MAX_RESETS)
            .setHttp2RstFloodWindowDuration(ControlFrameLimit.WINDOW_SECONDS)
            .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
    if (cfg.tls()) {
      o.setSsl(true)
          .setPemKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(cfg.tlsCertFile().toString())
                  .setKeyPath(cfg.tlsKeyFile().toString()))
          .setSslHandshakeTimeout(cfg.headerTimeoutSeconds())
          .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS)
          .setUseAlpn(cfg.http2())
          .setAlpnVersions(
              cfg.http2()
                  ? List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1)
                  : List.of(HttpVersion.HTTP_1_1));
    }
    return o;
  }
}
