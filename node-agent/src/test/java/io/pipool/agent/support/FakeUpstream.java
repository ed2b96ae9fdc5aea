package io.pipool.agent.support;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A misbehaving upstream on loopback, speaking raw bytes: what it does depends on the request path.
 * {@code /ok} answers normally; {@code /hang} never answers; {@code /cut} promises 100000 bytes,
 * sends 1000 and closes; {@code /garbage} answers with bytes that are not HTTP; {@code /huge-head}
 * sends a 64 KiB header; {@code /huge-body} sends 4 MiB. It records every request line it receives.
 */
public final class FakeUpstream {

  /** Bytes promised by {@code /cut}. */
  public static final int CUT_PROMISED = 100_000;

  /** Bytes sent by {@code /huge-body}. */
  public static final int HUGE_BODY = 4 << 20;

  private final NetServer server;
  private final List<String> requestLines = new CopyOnWriteArrayList<>();

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

  /** Every request line received, in order. */
  public List<String> requestLines() {
    return requestLines;
  }

  private void serve(NetSocket s) {
    Buffer[] head = {Buffer.buffer()};
    s.handler(
        buf -> {
          head[0].appendBuffer(buf);
          String text = head[0].toString(StandardCharsets.ISO_8859_1);
          int end;
          while ((end = text.indexOf("\r\n\r\n")) >= 0) {
            String line = text.substring(0, text.indexOf("\r\n"));
            requestLines.add(line);
            text = text.substring(end + 4);
            answer(s, line.split(" ")[1]);
          }
          head[0] = Buffer.buffer(text);
        });
  }

  private static void answer(NetSocket s, String path) {
    switch (path) {
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
