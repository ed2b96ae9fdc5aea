package io.pipool.simulator.load;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection of the load generator: sends {@code GET /}, reads the whole
 * response (Content-Length or chunked), waits its interval, and repeats until closed.
 */
final class Connection {

  /** What the generator learns from a connection. */
  interface Listener {
    void completed(Connection c, int status);

    void closed(Connection c, boolean byUs);
  }

  private enum Stage {
    STATUS,
    HEADERS,
    BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    TRAILERS
  }

  final Endpoint endpoint;
  private final Vertx vertx;
  private final NetSocket socket;
  private final RecordParser parser;
  private final long intervalMillis;
  private final Listener listener;
  private final Buffer request;
  private Stage stage = Stage.STATUS;
  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean closeAfter;
  private boolean closing;
  private long timer = -1;

  Connection(
      Vertx vertx, NetSocket socket, Endpoint endpoint, long intervalMillis, Listener listener) {
    this.vertx = vertx;
    this.socket = socket;
    this.endpoint = endpoint;
    this.intervalMillis = intervalMillis;
    this.listener = listener;
    this.request =
        Buffer.buffer(
            ("GET / HTTP/1.1\r\nHost: "
                    + endpoint.address()
                    + ":"
                    + endpoint.port()
                    + "\r\nUser-Agent: pi-pool-simulator-load\r\nAccept: */*\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    this.parser = RecordParser.newDelimited("\r\n", this::onRecord);
    socket.handler(parser);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> socket.close());
  }

  /** Sends the first request after {@code delayMillis} (spreads new connections out). */
  void begin(long delayMillis) {
    schedule(Math.max(1, delayMillis));
  }

  /** True once a close has been asked for or seen. */
  boolean closing() {
    return closing;
  }

  /** Closes the connection from our side. */
  void close() {
    if (!closing) {
      closing = true;
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      socket.close();
    }
  }

  private void schedule(long delay) {
    timer =
        vertx.setTimer(
            delay,
            id -> {
              timer = -1;
              if (!closing) {
                socket.write(request);
              }
            });
  }

  private void onRecord(Buffer record) {
    switch (stage) {
      case STATUS -> {
        String line = record.toString(StandardCharsets.US_ASCII);
        String[] parts = line.split(" ", 3);
        status = parts.length > 1 ? parseInt(parts[1]) : 0;
        contentLength = 0;
        chunked = false;
        closeAfter = false;
        stage = Stage.HEADERS;
      }
      case HEADERS -> {
        if (record.length() == 0) {
          bodyStart();
          return;
        }
        String line = record.toString(StandardCharsets.US_ASCII);
        int colon = line.indexOf(':');
        if (colon > 0) {
          String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
          String value = line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
          switch (name) {
            case "content-length" -> contentLength = parseInt(value);
            case "transfer-encoding" -> chunked = value.contains("chunked");
            case "connection" -> closeAfter = value.contains("close");
            default -> {
              // not needed
            }
          }
        }
      }
      case BODY -> done();
      case CHUNK_SIZE -> {
        String hex = record.toString(StandardCharsets.US_ASCII).split(";", 2)[0].trim();
        long size = hex.isEmpty() ? 0 : Long.parseLong(hex, 16);
        if (size == 0) {
          stage = Stage.TRAILERS;
        } else {
          stage = Stage.CHUNK_DATA;
          parser.fixedSizeMode((int) size + 2);
        }
      }
      case CHUNK_DATA -> {
        stage = Stage.CHUNK_SIZE;
        parser.delimitedMode("\r\n");
      }
      case TRAILERS -> {
        if (record.length() == 0) {
          done();
        }
      }
    }
  }

  private void bodyStart() {
    if (chunked) {
      stage = Stage.CHUNK_SIZE;
    } else if (contentLength > 0) {
      stage = Stage.BODY;
      parser.fixedSizeMode((int) contentLength);
    } else {
      done();
    }
  }

  private void done() {
    stage = Stage.STATUS;
    parser.delimitedMode("\r\n");
    listener.completed(this, status);
    if (closeAfter) {
      close();
    } else if (!closing) {
      schedule(intervalMillis);
    }
  }

  private void onClosed() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    boolean byUs = closing;
    closing = true;
    listener.closed(this, byUs);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
