package io.pipool.agent.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.agent.status.AgentMetrics;
import io.pipool.agent.status.AgentState;
import io.pipool.agent.status.ServingState;
import io.pipool.agent.status.StatusDocument;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The admin port: {@code /healthz}, {@code /readyz} (in rotation), {@code /readyz/pod} (fit to
 * serve; the Kubernetes readiness probe), {@code /v1/status} and {@code /metrics}. Read only; every
 * answer comes from state the monitors keep up to date, so nothing here blocks.
 */
public final class AdminVerticle extends AbstractVerticle {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Concurrent admin connections (the probes, the operator and a scraper need a handful). */
  public static final int MAX_CONNECTIONS = 16;

  /** Seconds an admin connection has for its first request head, and may then stay idle. */
  static final int TIMEOUT_SECONDS = 5;

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
  private final ConnectionGuard guard =
      new ConnectionGuard(
          new ConnectionGate(MAX_CONNECTIONS, 1.0),
          TIMEOUT_SECONDS,
          () -> "503 Service Unavailable: admin connection limit reached\n");
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
    server =
        new GuardedHttpServer(
            vertx, new HttpServerOptions().setIdleTimeout(TIMEOUT_SECONDS * 6), guard);
    server
        .invalidRequestHandler(BadRequests::answer)
        .requestHandler(this::handle)
        .listen(port, host)
        .onSuccess(s -> started.complete())
        .onFailure(started::fail);
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
        try {
          resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(
                  JSON.writeValueAsString(
                      StatusDocument.build(
                          identity.node(), identity.pod(), identity.version(), state)));
        } catch (JsonProcessingException e) {
          resp.setStatusCode(500).end(e.getMessage());
        }
      }
      case "/metrics" ->
          resp.putHeader(HttpHeaders.CONTENT_TYPE, AgentMetrics.contentType())
              .end(metrics.scrape());
      default -> text(req, 404, "not found\n");
    }
  }

  private static void text(HttpServerRequest req, int status, String body) {
    req.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body);
  }
}
