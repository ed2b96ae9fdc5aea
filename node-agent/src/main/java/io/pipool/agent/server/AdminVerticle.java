package io.pipool.agent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.agent.status.AgentMetrics;
import io.pipool.agent.status.AgentState;
import io.pipool.agent.status.ServingState;
import io.pipool.agent.status.StatusDocument;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * The admin port: {@code /healthz}, {@code /readyz} (in rotation), {@code /readyz/pod} (fit to
 * serve; the Kubernetes readiness probe), {@code /v1/status} and {@code /metrics}. Read only; every
 * answer comes from state the monitors keep up to date, so nothing here blocks.
 *
 * <p>Nobody can squat it: the probes are answered whatever other clients do. Connections from the
 * node's own address (the kubelet probing a host-network pod connects from the pod's IP, which is
 * the node's) have {@link #NODE_SLOTS} slots of their own. Everyone else shares {@link #SLOTS}, at
 * most {@link #PER_SOURCE} per source address. A new connection always gets a slot: the one idle
 * the longest is closed to make room (of its own source first), so squatting connections are
 * reclaimed rather than newcomers refused. Idle keep-alive connections close after {@link
 * #KEEP_ALIVE_SECONDS}, a first request head must arrive within {@link #HEAD_TIMEOUT_SECONDS}, and
 * {@code /metrics} and {@code /v1/status} (the only answers that cost anything) have their own
 * budget of {@link #REPORTS_IN_FLIGHT} responses in flight, each closed after {@link
 * #RESPONSE_DEADLINE_MS} unless written: the probes never wait on them.
 */
public final class AdminVerticle extends AbstractVerticle {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Connections from other addresses than the node's own (operator, Prometheus, the front). */
  public static final int SLOTS = 32;

  /** Connections at once from one source address, among {@link #SLOTS}. */
  public static final int PER_SOURCE = 4;

  /** Connections from the node's own address: the kubelet's probes. */
  public static final int NODE_SLOTS = 8;

  /**
   * Admin connections open at once, descriptors included: the slots, plus connections accepted in
   * one pass of the event loop before it takes the slots back (a connection past the slots is
   * closed in the pass that accepts it), and closes under way.
   */
  public static final int MAX_CONNECTIONS = SLOTS + NODE_SLOTS + 24;

  /** Seconds an admin connection has for its first request head. */
  static final int HEAD_TIMEOUT_SECONDS = 2;

  /** Seconds an admin connection may stay idle between requests. */
  public static final int KEEP_ALIVE_SECONDS = 3;

  /** {@code /metrics} and {@code /v1/status} responses being written at once. */
  public static final int REPORTS_IN_FLIGHT = 4;

  /**
   * {@code /metrics} and {@code /v1/status} answers per second, in bursts of as many (a scrape
   * costs milliseconds; Prometheus and the operator each need one every few seconds). Past it a
   * report gets 503 with Retry-After, so a flood of them cannot keep the probes waiting.
   */
  public static final int REPORTS_PER_SECOND = 20;

  /** How long a report may take to be written before its connection is closed. */
  public static final long RESPONSE_DEADLINE_MS = 5_000;

  /**
   * Identity reported in the status document.
   *
   * @param node node name
   * @param pod pod name
   * @param version agent version
   */
  public record Identity(String node, String pod, String version) {}

  private final String host;
  private final int port;
  private final Identity identity;
  private final AgentState state;
  private final AgentMetrics metrics;
  // The slots, not the guard, bound the connections: a gate deciding at accept would refuse the
  // kubelet while a burst of squatters waits to be taken back. The guard keeps the head deadline.
  private final ConnectionGuard guard =
      new ConnectionGuard(
          new ConnectionGate(Integer.MAX_VALUE, 1.0),
          HEAD_TIMEOUT_SECONDS,
          () -> "503 Service Unavailable: admin connection limit reached\n");
  private final AdminSlots<HttpConnection> node =
      new AdminSlots<>(NODE_SLOTS, NODE_SLOTS, AdminVerticle::closeNow);
  private final AdminSlots<HttpConnection> clients =
      new AdminSlots<>(SLOTS, PER_SOURCE, AdminVerticle::closeNow);
  private int reportsInFlight;
  private double reportTokens = REPORTS_PER_SECOND;
  private long refilledNanos = System.nanoTime();
  private HttpServer server;

  /** The admin server on {@code host:port}. */
  public AdminVerticle(
      String host, int port, Identity identity, AgentState state, AgentMetrics metrics) {
    this.host = host;
    this.port = port;
    this.identity = identity;
    this.state = state;
    this.metrics = metrics;
  }

  @Override
  public void start(Promise<Void> started) {
    // No h2c sniffing: Vert.x then hands over each connection as it is accepted, before any byte
    // arrives, so a silent squatter holds a slot that can be taken back.
    server =
        new GuardedHttpServer(
            vertx,
            new HttpServerOptions()
                .setIdleTimeout(KEEP_ALIVE_SECONDS)
                .setHttp2ClearTextEnabled(false),
            guard);
    server
        .connectionHandler(this::accepted)
        .invalidRequestHandler(BadRequests::answer)
        .requestHandler(this::handle)
        .listen(port, host)
        .onSuccess(s -> started.complete())
        .onFailure(e -> started.fail(ListenFailure.of("the admin port", host, port, e)));
  }

  /** The port actually bound. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private void accepted(HttpConnection conn) {
    SocketAddress remote = conn.remoteAddress();
    SocketAddress local = conn.localAddress();
    String source = remote == null || remote.hostAddress() == null ? "" : remote.hostAddress();
    boolean fromNode = local != null && source.equals(local.hostAddress());
    AdminSlots<HttpConnection> pool = fromNode ? node : clients;
    if (pool.accept(conn, source)) {
      conn.closeHandler(v -> pool.closed(conn));
    }
  }

  private void handle(HttpServerRequest req) {
    if (!guard.admit(req)) {
      return;
    }
    HttpConnection conn = req.connection();
    node.busy(conn);
    clients.busy(conn);
    req.response()
        .endHandler(
            v -> {
              node.idle(conn);
              clients.idle(conn);
            });
    var resp = req.response();
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      resp.setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return;
    }
    switch (req.path()) {
      case "/healthz" -> text(req, 200, "ok\n");
      case "/readyz" -> {
        ServingState s = state.serving();
        text(req, s.ready() ? 200 : 503, s.mode() + ": " + s.reason() + "\n");
      }
      case "/readyz/pod" -> {
        ServingState s = state.serving();
        text(req, s.podReady() ? 200 : 503, s.mode() + ": " + s.reason() + "\n");
      }
      case "/v1/status" -> {
        Runnable written = report(req);
        if (written != null) {
          String body;
          try {
            body =
                JSON.writeValueAsString(
                    StatusDocument.build(
                        identity.node(), identity.pod(), identity.version(), state));
            resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
          } catch (JsonProcessingException e) {
            body = e.getMessage();
            resp.setStatusCode(500);
          }
          resp.end(body).onComplete(v -> written.run());
        }
      }
      case "/metrics" -> {
        Runnable written = report(req);
        if (written != null) {
          resp.putHeader(HttpHeaders.CONTENT_TYPE, AgentMetrics.contentType())
              .end(metrics.scrape())
              .onComplete(v -> written.run());
        }
      }
      default -> text(req, 404, "not found\n");
    }
  }

  /**
   * Takes one of the report budget's places until the response is written (or its connection is
   * closed at the deadline); null when all are taken or the rate is spent, and then the request is
   * answered 503. The caller runs what is returned once the response is written or has failed.
   */
  private Runnable report(HttpServerRequest req) {
    long now = System.nanoTime();
    reportTokens =
        Math.min(
            REPORTS_PER_SECOND, reportTokens + (now - refilledNanos) * REPORTS_PER_SECOND / 1e9);
    refilledNanos = now;
    if (reportsInFlight >= REPORTS_IN_FLIGHT || reportTokens < 1) {
      req.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
      text(req, 503, "503 Service Unavailable: too many reports asked for\n");
      return null;
    }
    reportTokens--;
    reportsInFlight++;
    HttpConnection conn = req.connection();
    long deadline = vertx.setTimer(RESPONSE_DEADLINE_MS, id -> closeNow(conn));
    return () -> {
      reportsInFlight--;
      vertx.cancelTimer(deadline);
    };
  }

  /**
   * Closes the socket itself: Vert.x's close waits for responses in flight, which a client that
   * never reads holds forever, and its descriptor would stay counted against the port.
   */
  private static void closeNow(HttpConnection conn) {
    if (conn instanceof ConnectionBase base) {
      base.channel().close();
    } else {
      conn.close();
    }
  }

  private static void text(HttpServerRequest req, int status, String body) {
    req.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body);
  }
}
