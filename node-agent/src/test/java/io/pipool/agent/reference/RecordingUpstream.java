package io.pipool.agent.reference;

import io.pipool.agent.support.Await;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The upstream behind a reverse proxy under test: it keeps every byte that reaches it (so a case
 * can ask whether a request that should have been refused got through) and answers each request
 * head with a short 200, except {@code /malformed-*}, which answer with framing no proxy should
 * relay as is. One per server under test, so each proxy's traffic is told apart.
 */
final class RecordingUpstream {

  /** Past this many recorded bytes the rest is dropped (a case only looks for markers). */
  private static final int RECORD_CAP = 16 << 20;

  /** Two Content-Length values: a proxy must not pick one and relay it. */
  static final String DUPLICATE_LENGTH =
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 40\r\n\r\nhello";

  /** Chunked and a Content-Length, with a whole second response hidden after the chunked end. */
  static final String SMUGGLED_RESPONSE =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n"
          + "HTTP/1.1 299 Smuggled\r\nContent-Length: 8\r\n\r\nSMUGGLED";

  private final NetServer server;
  private final StringBuffer seen = new StringBuffer();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  private RecordingUpstream(Vertx vertx) {
    server = vertx.createNetServer().connectHandler(this::serve);
  }

  static RecordingUpstream start(Vertx vertx) {
    RecordingUpstream u = new RecordingUpstream(vertx);
    Await.result(u.server.listen(0, "127.0.0.1"));
    return u;
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port();
  }

  /** Forgets what it saw; the connection peak restarts from those open now. */
  void clear() {
    seen.setLength(0);
    peak.set(open.get());
  }

  /** Everything received since {@link #clear()}. */
  String seen() {
    return seen.toString();
  }

  boolean saw(String marker) {
    return seen.indexOf(marker) >= 0;
  }

  /** Most connections open at once since {@link #clear()}. */
  int peakConnections() {
    return peak.get();
  }

  private void serve(NetSocket s) {
    peak.accumulateAndGet(open.incrementAndGet(), Math::max);
    s.closeHandler(v -> open.decrementAndGet());
    StringBuilder pending = new StringBuilder();
    s.handler(
        buf -> {
          String text = buf.toString(StandardCharsets.ISO_8859_1);
          if (seen.length() < RECORD_CAP) {
            seen.append(text, 0, Math.min(text.length(), RECORD_CAP - seen.length()));
          }
          pending.append(text);
          answerComplete(s, pending);
        });
  }

  /** Answers every request in {@code pending} whose head and body have fully arrived. */
  private static void answerComplete(NetSocket s, StringBuilder pending) {
    while (true) {
      int end = pending.indexOf("\r\n\r\n");
      if (end < 0) {
        return;
      }
      String head = pending.substring(0, end);
      int bodyStart = end + 4;
      int next;
      String lower = head.toLowerCase(Locale.ROOT);
      int cl = lower.indexOf("\r\ncontent-length:");
      if (lower.contains("\r\ntransfer-encoding: chunked")) {
        int last = pending.indexOf("0\r\n\r\n", bodyStart);
        if (last < 0) {
          return;
        }
        next = last + 5;
      } else if (cl >= 0) {
        int from = cl + "\r\ncontent-length:".length();
        int to = lower.indexOf("\r\n", from);
        long n = Long.parseLong(lower.substring(from, to < 0 ? lower.length() : to).trim());
        if (pending.length() - bodyStart < n) {
          return;
        }
        next = (int) (bodyStart + n);
      } else {
        next = bodyStart;
      }
      pending.delete(0, next);
      String[] line = head.substring(0, Math.max(0, head.indexOf("\r\n"))).split(" ");
      String path = line.length > 1 ? line[1] : "";
      s.write(
          switch (path) {
            case "/malformed-length" -> DUPLICATE_LENGTH;
            case "/malformed-smuggle" -> SMUGGLED_RESPONSE;
            default ->
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n";
          });
    }
  }
}
