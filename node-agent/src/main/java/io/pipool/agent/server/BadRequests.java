package io.pipool.agent.server;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/** Answers for requests the decoder refused and for bodies that break their framing. */
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
    // Only our own rules are named; other decoder messages may quote the client's bytes.
    String why = cause instanceof StrictHttp1.Refused ? ": " + cause.getMessage() : "";
    closeWith(req.response(), status, status + " " + reason(status) + why + "\n");
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
      case 413 -> "Request Entity Too Large";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      default -> "Bad Request";
    };
  }
}
