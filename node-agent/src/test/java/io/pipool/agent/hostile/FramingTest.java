package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.FakeUpstream;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed heads, request smuggling and chunked abuse: each is answered once, with 400 (or 413),
 * and the connection is closed, so nothing the client sent after it is ever read as a request.
 */
@ExtendWith(VertxExtension.class)
class FramingTest {

  private static final String HIDDEN = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";

  @TempDir Path dir;

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "Content-Length with Transfer-Encoding (CL.TE)",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + HIDDEN,
            400),
        Arguments.of(
            "Transfer-Encoding with Content-Length (TE.CL)",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Length: 40\r\n\r\n0\r\n\r\n"
                + HIDDEN,
            400),
        Arguments.of(
            "two Transfer-Encoding headers",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: identity\r\n\r\n0\r\n\r\n"
                + HIDDEN,
            400),
        Arguments.of(
            "an unknown transfer coding",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n" + HIDDEN,
            400),
        Arguments.of(
            "Transfer-Encoding on HTTP/1.0",
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN,
            400),
        Arguments.of(
            "two different Content-Length values",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 36\r\n\r\n"
                + HIDDEN,
            400),
        Arguments.of(
            "a signed Content-Length",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +0\r\n\r\n" + HIDDEN,
            400),
        Arguments.of("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n" + HIDDEN, 400),
        Arguments.of(
            "two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + HIDDEN, 400),
        Arguments.of("a NUL in the URI", "GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n" + HIDDEN, 400),
        Arguments.of(
            "a control character in the URI",
            "GET /a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n" + HIDDEN,
            400),
        Arguments.of(
            "an invalid chunk size",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"
                + HIDDEN,
            400),
        Arguments.of(
            "a chunk size past 64 bits",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1ffffffffffffffff\r\nabc\r\n0\r\n\r\n"
                + HIDDEN,
            400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void isAnsweredOnceAndTheConnectionClosed(String what, String raw, int status, Vertx vertx)
      throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    Hostile.answeredOnceThenClosed(agent.trafficPort(), raw, status);
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aChunkedBodyPastOneMibGets413AndIsClosed(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    Hostile.chunkedPastTheCapGets413(agent.trafficPort(), "/");
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void inProxyModeASmuggledRequestNeverReachesTheUpstream(Vertx vertx) throws Exception {
    FakeUpstream upstream = FakeUpstream.start(vertx);
    NodeAgent agent =
        Hostile.start(
            vertx,
            dir,
            Map.of("PIPOOL_SERVER_MODE", "Proxy", "PIPOOL_SERVER_UPSTREAM", upstream.url()));
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response r =
          http.send(
                  "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                      + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                      + HIDDEN)
              .read();
      assertThat(r.status()).isEqualTo(400);
      assertThat(http.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/ok", 200);
    assertThat(upstream.requestLines())
        .as("only the warm-up and the fresh GET were forwarded")
        .containsExactly("GET / HTTP/1.1", "GET /ok HTTP/1.1");
  }
}
