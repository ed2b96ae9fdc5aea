package io.pipool.agent.server;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Proxy mode: a reverse proxy to one upstream over a keep-alive connection pool. Headers follow the
 * usual nginx {@code proxy_pass} setup: the client's {@code Host} is passed on, {@code
 * X-Forwarded-For} gets the client address appended, {@code X-Forwarded-Proto}, {@code
 * X-Forwarded-Host} and {@code X-Real-IP} are set; hop-by-hop headers are dropped both ways. An
 * unreachable upstream gives 502, a silent one 504.
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest req) {
    handle(req, null);
  }

  static final int CONNECT_TIMEOUT_MS = 5_000;

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "http2-settings",
          "host");

  private final HttpClient client;
  private final SocketAddress server;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String prefix;
  private final long readTimeoutMs;

  ProxyHandler(HttpClient client, URI upstream, long readTimeoutMs) {
    this.client = client;
    this.ssl = "https".equals(upstream.getScheme());
    this.host = upstream.getHost();
    this.port = upstream.getPort() > 0 ? upstream.getPort() : (ssl ? 443 : 80);
    this.server = SocketAddress.inetSocketAddress(port, host);
    String path = upstream.getRawPath() == null ? "" : upstream.getRawPath();
    this.prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.readTimeoutMs = readTimeoutMs;
  }

  void handle(HttpServerRequest req, RequestTracker tracker) {
    req.pause();
    RequestOptions options =
        new RequestOptions()
            .setServer(server)
            .setHost(host)
            .setPort(port)
            .setSsl(ssl)
            .setMethod(req.method())
            .setURI(prefix + req.uri())
            .setConnectTimeout(CONNECT_TIMEOUT_MS)
            .setIdleTimeout(readTimeoutMs);
    client
        .request(options)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                req.resume();
                fail(req.response(), ar.cause());
                return;
              }
              HttpClientRequest up = ar.result();
              forwardHeaders(req, up);
              boolean body = BadRequests.hasBody(req);
              if (!body) {
                req.resume();
              }
              if (tracker != null) {
                tracker.onClientGone(up::reset);
              }
              (body ? up.send(req) : up.send())
                  .onComplete(
                      res -> {
                        if (res.failed()) {
                          fail(req.response(), res.cause());
                        } else {
                          relay(req, res.result());
                        }
                      });
            });
  }

  private void forwardHeaders(HttpServerRequest req, HttpClientRequest up) {
    MultiMap in = req.headers();
    MultiMap out = up.headers();
    Set<String> dropped = connectionTokens(in);
    in.forEach(
        e -> {
          String name = e.getKey().toLowerCase(Locale.ROOT);
          if (!HOP_BY_HOP.contains(name) && !dropped.contains(name) && !name.startsWith(":")) {
            out.add(e.getKey(), e.getValue());
          }
        });
    HostAndPort authority = req.authority();
    if (authority != null) {
      up.authority(authority);
    }
    String client = req.remoteAddress() == null ? null : req.remoteAddress().hostAddress();
    if (client != null) {
      String prior = in.get("X-Forwarded-For");
      out.set("X-Forwarded-For", prior == null || prior.isBlank() ? client : prior + ", " + client);
      out.set("X-Real-IP", client);
    }
    out.set("X-Forwarded-Proto", req.isSSL() ? "https" : "http");
    if (authority != null) {
      out.set("X-Forwarded-Host", authority.toString());
    }
  }

  private static void relay(HttpServerRequest req, HttpClientResponse res) {
    HttpServerResponse resp = req.response();
    if (resp.closed()) {
      return;
    }
    resp.setStatusCode(res.statusCode());
    resp.setStatusMessage(res.statusMessage());
    Set<String> dropped = connectionTokens(res.headers());
    res.headers()
        .forEach(
            e -> {
              String name = e.getKey().toLowerCase(Locale.ROOT);
              if (!HOP_BY_HOP.contains(name) && !dropped.contains(name)) {
                resp.headers().add(e.getKey(), e.getValue());
              }
            });
    if (!res.headers().contains(HttpHeaders.CONTENT_ENCODING)
        && !ContentTypes.compressible(res.getHeader(HttpHeaders.CONTENT_TYPE))) {
      resp.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
    if (!res.headers().contains(HttpHeaders.CONTENT_LENGTH)
        && req.version() != HttpVersion.HTTP_2) {
      resp.setChunked(true);
    }
    // A body cut short upstream must not look complete downstream: reset the client's stream (on
    // HTTP/1.1 that closes the connection) instead of ending the response.
    res.pipe().endOnFailure(false).to(resp).onFailure(e -> resp.reset());
  }

  private static Set<String> connectionTokens(MultiMap headers) {
    Set<String> out = new HashSet<>();
    for (String v : headers.getAll(HttpHeaders.CONNECTION)) {
      for (String token : v.split(",")) {
        out.add(token.trim().toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  private static void fail(HttpServerResponse resp, Throwable cause) {
    if (resp.headWritten() || resp.closed()) {
      resp.reset();
      return;
    }
    boolean timeout = cause instanceof TimeoutException || cause instanceof ConnectTimeoutException;
    resp.setStatusCode(timeout ? 504 : 502)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
        .end(timeout ? "504 Gateway Timeout\n" : "502 Bad Gateway\n");
  }
}
