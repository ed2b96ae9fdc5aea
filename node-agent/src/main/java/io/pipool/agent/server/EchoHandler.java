package io.pipool.agent.server;

import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Echo mode: the same fixed body for every request, for load tests. The body and its header values
 * are encoded once: the body lives in one direct buffer that every response writes as it is (the
 * socket takes it without a copy), and without compression the Content-Length is set from a
 * pre-encoded value instead of being formatted per response.
 */
final class EchoHandler implements Handler<HttpServerRequest> {

  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
  private final Buffer body;
  private final CharSequence length;
  private final boolean fixedLength;

  /**
   * An Echo body of {@code bodyBytes}; {@code compression} says whether the server may gzip it, in
   * which case the compressor sets the length.
   */
  EchoHandler(int bodyBytes, boolean compression) {
    byte[] bytes = new byte[bodyBytes];
    // A readable, compressible body: lines of the alphabet.
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (i % 64 == 63) ? (byte) '\n' : (byte) ('a' + (i % 64) % 26);
    }
    // Never released: Vert.x writes a slice of it per response, wrapped as unreleasable.
    this.body = Buffer.buffer(Unpooled.directBuffer(bodyBytes, bodyBytes).writeBytes(bytes));
    this.length = HttpHeaders.createOptimized(Integer.toString(bodyBytes));
    this.fixedLength = !compression;
  }

  @Override
  public void handle(HttpServerRequest req) {
    var resp = req.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN);
    if (req.method() == HttpMethod.HEAD) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, length).end();
    } else if (fixedLength) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, length).end(body);
    } else {
      resp.end(body);
    }
  }
}
