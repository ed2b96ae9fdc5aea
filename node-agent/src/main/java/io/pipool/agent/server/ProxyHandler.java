package io.pipool.agent.server;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Proxy mode: a reverse proxy to one upstream over a keep-alive connection pool, safe under any
 * client.
 *
 * <ul>
 *   <li>Before an upstream connection is taken, the request is checked ({@link ProxyTarget}): 405
 *       for CONNECT, 400 for an invalid method, target, Host or header. An absolute-form target's
 *       authority replaces Host; the upstream always gets origin-form.
 *   <li>A body of up to {@link #BUFFER_BYTES} is read completely before an upstream connection is
 *       taken, so a slow uploader holds no upstream connection; a longer one is streamed with
 *       backpressure. The whole body must arrive within the body deadline (408 and close), and may
 *       not exceed {@link TrafficVerticle#MAX_BODY_BYTES} however it is framed (413 and close).
 *   <li>One source address holds at most {@link #PER_SOURCE} upstream requests at once (per event
 *       loop, as the pool); beyond that it gets 503 with Retry-After.
 *   <li>{@code X-Forwarded-For}, {@code -Host}, {@code -Proto}, {@code -Port} (any {@code
 *       X-Forwarded-*}), {@code X-Real-IP} and {@code Forwarded} from the client are dropped and
 *       replaced by the agent's own values: the agent is the edge, so X-Forwarded-For is the client
 *       address alone (replaced, not appended). X-Forwarded-Host comes only from the validated Host
 *       or authority. Hop-by-hop headers are dropped both ways.
 *   <li>Every failure answers the client (502 unreachable or malformed upstream, 504 silent
 *       upstream) and resets the upstream request, which releases its connection; once the response
 *       head has gone out, a failure resets the client's stream (on HTTP/1.x, closes the
 *       connection) so a cut response never looks complete. An upstream 1xx other than 100 (which
 *       the client absorbs) is a malformed response: 502.
 *   <li>Both directions are piped with backpressure: the client is not read while the upstream
 *       cannot take more, and the upstream is not read while the client's write queue is full.
 * </ul>
 */
final class ProxyHandler implements Handler<HttpServerRequest> {

  static final int CONNECT_TIMEOUT_MS = 5_000;

  /** Request bodies up to this size are read whole before an upstream connection is taken. */
  static final int BUFFER_BYTES = 16 << 10;

  /**
   * Bytes of request bodies buffered at once, per event loop; past it a body streams (taking an
   * upstream connection, within its source's share) instead of buffering more.
   */
  static final long BUFFER_BUDGET = 4L << 20;

  /** Upstream requests one source address may have at once, per event loop: a quarter of it. */
  static final int PER_SOURCE = TrafficVerticle.PROXY_POOL_SIZE / 4;

  /** Requests that may wait for an upstream connection, per event loop. */
  static final int WAIT_QUEUE = TrafficVerticle.PROXY_POOL_SIZE * 4;

  /** Seconds a client over its share is asked to wait. */
  static final String RETRY_AFTER = "1";

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
          "expect",
          "host");

  /** Headers a client may not set: the agent writes its own. */
  private static final Set<String> FORWARDING = Set.of("x-real-ip", "forwarded");

  private final Vertx vertx;
  private final HttpClient client;
  private final SocketAddress server;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final String prefix;
  private final long readTimeoutMs;
  private final long bodyTimeoutMs;
  private final SourceCap perSource = new SourceCap(PER_SOURCE);
  private long buffered;

  /**
   * HTTP/1.x connections answered with a closing response: a request pipelined behind it is never
   * forwarded (weak keys: a closed connection leaves by itself).
   */
  private final Set<HttpConnection> closing = Collections.newSetFromMap(new WeakHashMap<>());

  ProxyHandler(
      Vertx vertx, HttpClient client, URI upstream, long readTimeoutMs, long bodyTimeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.ssl = "https".equals(upstream.getScheme());
    this.host = upstream.getHost();
    this.port = upstream.getPort() > 0 ? upstream.getPort() : (ssl ? 443 : 80);
    this.server = SocketAddress.inetSocketAddress(port, host);
    String path = upstream.getRawPath() == null ? "" : upstream.getRawPath();
    this.prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    this.readTimeoutMs = readTimeoutMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
  }

  @Override
  public void handle(HttpServerRequest req) {
    handle(req, null);
  }

  void handle(HttpServerRequest req, RequestTracker tracker) {
    if (closing.contains(req.connection())) {
      req.connection().close();
      return;
    }
    Exchange x = new Exchange(req);
    if (tracker != null) {
      tracker.onClientGone(x::clientGone);
    } else {
      req.response().closeHandler(v -> x.clientGone());
    }
    x.run(x::start);
  }

  /** One client request on its way upstream and back. All on the request's event loop. */
  private final class Exchange {
    private final HttpServerRequest req;
    private final HttpServerResponse resp;
    private final boolean http1;
    private final String source;
    private ProxyTarget target;
    private Buffer body;
    private long received;
    private long declared = -1;
    private long deadline = -1;
    private boolean holdsSlot;
    private boolean acquiring;
    private boolean done;
    private HttpClientRequest up;

    Exchange(HttpServerRequest req) {
      this.req = req;
      this.resp = req.response();
      this.http1 = req.version() != HttpVersion.HTTP_2;
      SocketAddress remote = req.remoteAddress();
      this.source = remote == null ? "" : String.valueOf(remote.hostAddress());
    }

    /** Runs {@code step}; whatever it throws answers the client and releases the upstream. */
    void run(Runnable step) {
      try {
        step.run();
      } catch (RuntimeException e) {
        try {
          fail(502, "502 Bad Gateway\n");
        } catch (RuntimeException again) {
          finish();
          resp.reset();
          resetUpstream();
        }
      }
    }

    void start() {
      req.pause();
      target = ProxyTarget.of(req);
      if (!target.ok()) {
        if (target.status() == 405) {
          resp.putHeader(HttpHeaders.ALLOW, ProxyTarget.ALLOW);
          // A CONNECT's client may follow with tunnel bytes: nothing after it is parsed.
          closeWith(405, "405 Method Not Allowed: " + target.why() + "\n", true);
        } else {
          closeWith(400, "400 Bad Request: " + target.why() + "\n", true);
        }
        return;
      }
      if (!BadRequests.hasBody(req)) {
        req.resume();
        acquire();
        return;
      }
      String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
      declared = length == null ? -1 : Long.parseLong(length.trim());
      body = Buffer.buffer();
      deadline = vertx.setTimer(bodyTimeoutMs, id -> run(this::bodyTooSlow));
      req.exceptionHandler(e -> run(() -> fail(400, "400 Bad Request: malformed body\n")));
      req.handler(buf -> run(() -> buffering(buf)));
      req.endHandler(v -> run(this::bodyEnded));
      // On HTTP/1.1 the front gate (Http1Gate) has already answered Expect: 100-continue.
      req.resume();
    }

    private boolean tooMuch(Buffer buf) {
      received += buf.length();
      if (received > TrafficVerticle.MAX_BODY_BYTES) {
        fail(413, "413 Request Entity Too Large\n");
        return true;
      }
      if (declared >= 0 && received > declared) {
        // Only possible over HTTP/2 (HTTP/1.x frames by Content-Length): never sent on as is.
        fail(400, "400 Bad Request: body longer than its Content-Length\n");
        return true;
      }
      return false;
    }

    private void buffering(Buffer buf) {
      if (done || tooMuch(buf)) {
        return;
      }
      keep(buf);
      if (body.length() > BUFFER_BYTES || buffered > BUFFER_BUDGET) {
        req.pause(); // until an upstream connection takes the rest
        req.handler(more -> run(() -> streaming(more)));
        acquire();
      }
    }

    private void streaming(Buffer buf) {
      if (done || tooMuch(buf)) {
        return;
      }
      if (up == null) {
        keep(buf); // not expected while paused, but kept rather than lost
        return;
      }
      up.write(buf);
      if (up.writeQueueFull()) {
        req.pause();
        up.drainHandler(v -> req.resume());
      }
    }

    private void keep(Buffer buf) {
      body.appendBuffer(buf);
      buffered += buf.length();
    }

    /** The buffered body, no longer counted (or held) here. */
    private Buffer dropBody() {
      Buffer b = body;
      if (b != null) {
        buffered -= b.length();
        body = null;
      }
      return b;
    }

    private void bodyEnded() {
      cancelDeadline();
      if (done) {
        return;
      }
      if (declared >= 0 && received != declared) {
        fail(400, "400 Bad Request: body shorter than its Content-Length\n");
      } else if (up != null) {
        up.end();
      } else if (!acquiring) {
        acquire();
      }
    }

    private void bodyTooSlow() {
      deadline = -1;
      if (!done && !req.isEnded()) {
        fail(408, "408 Request Timeout: the body did not arrive in time\n");
      }
    }

    private void cancelDeadline() {
      if (deadline >= 0) {
        vertx.cancelTimer(deadline);
        deadline = -1;
      }
    }

    /** Takes a slot of this source's share and an upstream connection. */
    private void acquire() {
      if (done) {
        return;
      }
      if (!perSource.tryAcquire(source)) {
        resp.putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER);
        closeWith(
            503, "503 Service Unavailable: too many requests from one client\n", !req.isEnded());
        return;
      }
      holdsSlot = true;
      acquiring = true;
      RequestOptions options =
          new RequestOptions()
              .setServer(server)
              .setHost(host)
              .setPort(port)
              .setSsl(ssl)
              .setMethod(req.method())
              .setURI(prefix + target.path())
              .setConnectTimeout(CONNECT_TIMEOUT_MS)
              .setIdleTimeout(readTimeoutMs);
      client.request(options).onComplete(ar -> run(() -> connected(ar)));
    }

    private void connected(AsyncResult<HttpClientRequest> ar) {
      acquiring = false;
      if (done) {
        if (ar.succeeded()) {
          ar.result().reset();
        }
        release();
        return;
      }
      if (ar.failed()) {
        failWith(ar.cause());
        return;
      }
      up = ar.result();
      up.exceptionHandler(e -> run(() -> failWith(e)));
      forwardHeaders();
      up.response().onComplete(res -> run(() -> responded(res)));
      if (body == null) {
        up.end();
      } else if (req.isEnded()) {
        up.end(dropBody());
      } else {
        if (declared >= 0) {
          up.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(declared));
        } else {
          up.setChunked(true);
        }
        up.write(dropBody());
        req.resume();
      }
    }

    private void forwardHeaders() {
      MultiMap in = req.headers();
      MultiMap out = up.headers();
      Set<String> dropped = connectionTokens(in);
      in.forEach(
          e -> {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!HOP_BY_HOP.contains(name)
                && !name.equals("content-length") // set from the body actually received
                && !dropped.contains(name)
                && !name.startsWith(":")
                && !name.startsWith("x-forwarded-")
                && !FORWARDING.contains(name)) {
              out.add(e.getKey(), e.getValue());
            }
          });
      if (target.authority() != null) {
        up.authority(target.authority());
      }
      String proto = req.isSSL() ? "https" : "http";
      StringBuilder forwarded = new StringBuilder();
      if (!source.isEmpty()) {
        out.set("X-Forwarded-For", source);
        out.set("X-Real-IP", source);
        forwarded.append("for=").append(source.contains(":") ? "\"[" + source + "]\"" : source);
        forwarded.append(';');
      }
      out.set("X-Forwarded-Proto", proto);
      forwarded.append("proto=").append(proto);
      SocketAddress local = req.localAddress();
      if (local != null && local.port() > 0) {
        out.set("X-Forwarded-Port", Integer.toString(local.port()));
      }
      if (target.authority() != null) {
        String authority = target.authority().toString();
        out.set("X-Forwarded-Host", authority);
        forwarded.append(";host=\"").append(authority).append('"');
      }
      out.set("Forwarded", forwarded.toString());
    }

    private void responded(AsyncResult<HttpClientResponse> ar) {
      if (ar.failed()) {
        failWith(ar.cause());
        return;
      }
      HttpClientResponse res = ar.result();
      res.exceptionHandler(e -> {}); // failures are answered here; the pipe sets its own
      if (done || resp.closed()) {
        finish();
        resetUpstream();
        return;
      }
      if (res.statusCode() < 200) {
        // 100 is absorbed by the client; another 1xx (101 included) is not something to relay.
        fail(502, "502 Bad Gateway: informational response\n");
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
      if (!res.headers().contains(HttpHeaders.CONTENT_LENGTH) && http1) {
        resp.setChunked(true);
      }
      boolean unread = http1 && !req.isEnded();
      if (unread) {
        // Answered before the body was all sent: the rest of it is not read as a request.
        closing.add(req.connection());
        resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
      res.pipe()
          .endOnFailure(false)
          .to(resp)
          .onComplete(
              piped ->
                  run(
                      () -> {
                        finish();
                        if (piped.failed()) {
                          // A body cut short upstream must not look complete downstream.
                          resp.reset();
                          resetUpstream();
                        } else if (!req.isEnded()) {
                          resetUpstream();
                          if (http1) {
                            req.connection().close();
                          } else {
                            resp.reset(); // NO_ERROR: stop sending the rest (RFC 9113 8.1)
                          }
                        }
                      }));
    }

    void clientGone() {
      if (done) {
        return;
      }
      finish();
      resetUpstream();
    }

    private void failWith(Throwable cause) {
      if (cause instanceof ConnectionPoolTooBusyException) {
        resp.putHeader(HttpHeaders.RETRY_AFTER, RETRY_AFTER);
        fail(503, "503 Service Unavailable: upstream busy\n");
      } else if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
        fail(504, "504 Gateway Timeout\n");
      } else {
        fail(502, "502 Bad Gateway\n");
      }
    }

    /** Answers {@code status} (or resets a response already under way), releasing everything. */
    private void fail(int status, String text) {
      if (done) {
        return;
      }
      closeWith(status, text, !req.isEnded());
      resetUpstream();
    }

    /** Resets the upstream request (closing its connection); only once this exchange is done. */
    private void resetUpstream() {
      if (up != null) {
        up.reset();
      }
    }

    /** Answers with a short text; {@code close} closes an HTTP/1.x connection after it. */
    private void closeWith(int status, String text, boolean close) {
      if (resp.headWritten() || resp.closed()) {
        resp.reset();
      } else {
        resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain");
        if (close && http1) {
          closing.add(req.connection());
          resp.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
          resp.end(text).onComplete(v -> req.connection().close());
        } else if (close && !req.isEnded()) {
          resp.end(text).onComplete(v -> resp.reset());
        } else {
          resp.end(text);
        }
      }
      finish();
    }

    private void finish() {
      if (done) {
        return;
      }
      done = true;
      cancelDeadline();
      dropBody();
      if (!acquiring) {
        release();
      }
    }

    private void release() {
      if (holdsSlot) {
        holdsSlot = false;
        perSource.release(source);
      }
    }
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
}
