package io.pipool.agent.support;

import io.pipool.agent.NodeAgent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A misbehaving upstream on loopback, speaking raw bytes: what it does depends on the request path.
 * {@code /ok} answers normally; {@code /hang} never answers; {@code /cut} promises 100000 bytes,
 * sends 1000 and closes; {@code /garbage} answers with bytes that are not HTTP; {@code /huge-head}
 * sends a 64 KiB header; {@code /huge-body} sends 4 MiB; {@code /endless} sends body bytes for as
 * long as the agent takes them (honouring backpressure, counted in {@link #endlessBytes()}); the
 * malformed answers of {@link #MALFORMED} send what their names say. It records every request line
 * and every whole request (head and body; a Content-Length or chunked body) it receives, and counts
 * the connections open to it.
 */
public final class FakeUpstream {

  /** Bytes promised by {@code /cut}. */
  public static final int CUT_PROMISED = 100_000;

  /** Bytes sent by {@code /huge-body}. */
  public static final int HUGE_BODY = 4 << 20;

  /** Paths answered with a malformed or unrelayable response, and what each sends. */
  public static final Map<String, String> MALFORMED =
      Map.of(
          "/informational",
          "HTTP/1.1 102 Processing\r\n\r\n" + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlater\n",
          "/switch",
          "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
              + "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlater\n",
          "/bad-length",
          "HTTP/1.1 200 OK\r\nContent-Length: 3x\r\n\r\nok\n",
          "/two-lengths",
          "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 30\r\n\r\nok\n",
          "/length-and-chunked",
          "HTTP/1.1 200 OK\r\nContent-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "3\r\nok\n\r\n0\r\n\r\n"
              + "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nsmuggled\n");

  /** A whole request as the upstream received it. */
  public record Request(String head, String body) {}

  private final NetServer server;
  private final List<String> requestLines = new CopyOnWriteArrayList<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong endlessBytes = new AtomicLong();

  private FakeUpstream(NetServer server) {
    this.server = server;
  }

  /** Starts one on a free loopback port. */
  public static FakeUpstream start(Vertx vertx) {
    FakeUpstream[] self = new FakeUpstream[1];
    NetServer server = vertx.createNetServer().connectHandler(s -> self[0].serve(s));
    self[0] = new FakeUpstream(server);
    Await.result(server.listen(0, "127.0.0.1"));
    return self[0];
  }

  /** The base URL to proxy to. */
  public String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /**
   * Starts an agent (files under {@code dir}) in Proxy mode in front of this upstream, with a 3 s
   * idle timeout (and so a 3 s body deadline).
   */
  public NodeAgent proxiedBy(Vertx vertx, Path dir) {
    return Hostile.start(
        vertx,
        dir,
        Map.of(
            "PIPOOL_SERVER_MODE", "Proxy",
            "PIPOOL_SERVER_UPSTREAM", url(),
            "PIPOOL_SERVER_IDLETIMEOUTSECONDS", "3"));
  }

  /** Every request line received, in order. */
  public List<String> requestLines() {
    return requestLines;
  }

  /** Every whole request received (head and body), in order. */
  public List<Request> requests() {
    return requests;
  }

  /** True when any request head received so far contains {@code text} (case-insensitive). */
  public boolean anyHeadContains(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    return heads.stream().anyMatch(h -> h.toLowerCase(Locale.ROOT).contains(t));
  }

  /** How many request heads received so far (whole requests or not) contain {@code text}. */
  public long headsContaining(String text) {
    return heads.stream().filter(h -> h.contains(text)).count();
  }

  /** Connections open to this upstream now. */
  public int openConnections() {
    return open.get();
  }

  /** Body bytes {@code /endless} has written so far. */
  public long endlessBytes() {
    return endlessBytes.get();
  }

  private void serve(NetSocket s) {
    open.incrementAndGet();
    s.closeHandler(v -> open.decrementAndGet());
    Buffer[] pending = {Buffer.buffer()};
    boolean[] headSeen = {false};
    s.handler(
        buf -> {
          pending[0].appendBuffer(buf);
          String text = pending[0].toString(StandardCharsets.ISO_8859_1);
          int end;
          while ((end = text.indexOf("\r\n\r\n")) >= 0) {
            String head = text.substring(0, end);
            int eol = head.indexOf("\r\n");
            String line = eol < 0 ? head : head.substring(0, eol);
            if (!headSeen[0]) {
              headSeen[0] = true;
              heads.add(head);
            }
            int bodyEnd = bodyEnd(head.toLowerCase(Locale.ROOT), text, end + 4);
            if (bodyEnd < 0) {
              break; // the body is still coming
            }
            headSeen[0] = false;
            requestLines.add(line);
            requests.add(new Request(head, text.substring(end + 4, bodyEnd)));
            text = text.substring(bodyEnd);
            String[] parts = line.split(" ");
            answer(s, parts.length > 1 ? parts[1] : "");
          }
          pending[0] = Buffer.buffer(text);
        });
  }

  /** Where the body starting at {@code from} ends, or -1 when it has not all arrived. */
  private static int bodyEnd(String head, String text, int from) {
    if (head.contains("\r\ntransfer-encoding: chunked")) {
      int last = text.indexOf("0\r\n\r\n", from);
      return last < 0 ? -1 : last + 5;
    }
    int at = head.indexOf("\r\ncontent-length:");
    if (at < 0) {
      return from;
    }
    int eol = head.indexOf("\r\n", at + 2);
    String value = head.substring(at + 17, eol < 0 ? head.length() : eol).trim();
    long length = Long.parseLong(value);
    return text.length() - from >= length ? from + (int) length : -1;
  }

  private void endless(NetSocket s) {
    s.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n");
    Buffer chunk = Buffer.buffer("4000\r\n" + "e".repeat(0x4000) + "\r\n");
    Runnable[] more = new Runnable[1];
    more[0] =
        () -> {
          while (!s.writeQueueFull()) {
            s.write(chunk);
            endlessBytes.addAndGet(0x4000);
          }
          s.drainHandler(v -> more[0].run());
        };
    more[0].run();
  }

  private void answer(NetSocket s, String path) {
    String malformed = MALFORMED.get(path);
    if (malformed != null) {
      s.write(malformed);
      return;
    }
    switch (path) {
      case "/endless" -> endless(s);
      case "/hang" -> {}
      case "/cut" ->
          s.write(
                  "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                      + CUT_PROMISED
                      + "\r\n\r\n"
                      + "x".repeat(1000))
              .onComplete(v -> s.close());
      case "/garbage" -> s.write("SSH-2.0-OpenSSH\r\n\u0000\u0001\u0002\r\n\r\n");
      case "/huge-head" ->
          s.write(
              "HTTP/1.1 200 OK\r\nX-Huge: "
                  + "h".repeat(64 << 10)
                  + "\r\nContent-Length: 2\r\n\r\nok");
      case "/huge-body" -> {
        s.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + HUGE_BODY);
        s.write("\r\n\r\n");
        Buffer mib = Buffer.buffer("b".repeat(1 << 20));
        for (int i = 0; i < HUGE_BODY >> 20; i++) {
          s.write(mib);
        }
      }
      default ->
          s.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nok\n");
    }
  }
}
