package io.pipool.agent.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/** Echo mode: the same fixed body for every request, for load tests. */
final class EchoHandler implements Handler<HttpServerRequest> {

  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
  private final Buffer body;
  private final CharSequence length;

  EchoHandler(int bodyBytes) {
    byte[] bytes = new byte[bodyBytes];
    // A readable, compressible body: lines of the alphabet.
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (i % 64 == 63) ? (byte) '\n' : (byte) ('a' + (i % 64) % 26);
    }
    this.body = Buffer.buffer(bytes);
    this.length = HttpHeaders.createOptimized(Integer.toString(bodyBytes));
  }

  @Override
  public void handle(HttpServerRequest req) {
    var resp = req.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN);
    if (req.method() == HttpMethod.HEAD) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, length).end();
    } else {
      resp.end(body);
    }
  }
}
