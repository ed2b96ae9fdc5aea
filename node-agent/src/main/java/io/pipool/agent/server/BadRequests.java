package io.pipool.agent.server;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/** Answers for requests the gate or the decoder refused and for bodies that break their framing. */
final class BadRequests {

  private BadRequests() {}

  /**
   * The invalid-request handler: 400 (414, 431 for the size limits) naming the rule, then close.
   */
  static void answer(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    int status =
        cause instanceof TooLongHttpLineException
            ? 414
            : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    // The decoder's messages may quote the client's bytes: they are not echoed.
    closeWith(req.response(), status, status + " " + reason(status) + "\n");
  }

  /**
   * A complete HTTP/1.1 answer for a request the front gate refused: {@code status}, naming {@code
   * rule} (a constant, never the client's bytes), with {@code Connection: close}.
   */
  static byte[] raw(int status, String rule) {
    String body = status + " " + reason(status) + ": " + rule + "\n";
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason(status)
            + "\r\nContent-Type: text/plain\r\nContent-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n";
    return (head + body).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** True when the request carries a body to read. */
  static boolean hasBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.trim().equals("0");
    }
    if (req.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
      return true;
    }
    return req.version() == HttpVersion.HTTP_2 && !req.isEnded();
  }

  /**
   * Reads and drops the body, then runs {@code then}; a body over {@code maxBytes} gets 413 and a
   * broken one 400, both closing the connection.
   */
  static void afterBody(HttpServerRequest req, long maxBytes, Runnable then) {
    HttpServerResponse resp = req.response();
    long[] received = {0};
    req.handler(
        buf -> {
          received[0] += buf.length();
          if (received[0] > maxBytes && !resp.headWritten()) {
            closeWith(resp, 413, "413 Request Entity Too Large\n");
          }
        });
    req.exceptionHandler(
        e -> {
          if (!resp.headWritten() && !resp.closed()) {
            closeWith(resp, 400, "400 Bad Request: malformed body\n");
          }
        });
    req.endHandler(
        v -> {
          if (!resp.headWritten()) {
            then.run();
          }
        });
  }

  /** Sends a short text answer and closes the connection after it. */
  static void closeWith(HttpServerResponse resp, int status, String body) {
    resp.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
        .end(body)
        .onComplete(v -> resp.close());
  }

  private static String reason(int status) {
    return switch (status) {
      case 408 -> "Request Timeout";
      case 413 -> "Request Entity Too Large";
      case 414 -> "URI Too Long";
      case 417 -> "Expectation Failed";
      case 431 -> "Request Header Fields Too Large";
      case 505 -> "HTTP Version Not Supported";
      default -> "Bad Request";
    };
  }
}
