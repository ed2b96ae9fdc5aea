package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Heads and chunked bodies RFC 9112 says to reject: each gets its status with Connection: close,
 * the connection is closed, and the request pipelined behind it is never answered. Well-formed
 * heads that look similar are still served.
 */
@ExtendWith(VertxExtension.class)
class StrictHeadTest {

  private static final String CHUNKED =
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n";

  @TempDir Path dir;

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  b\r\n\r\n", 400),
        Arguments.of("obs-fold in Host", "GET / HTTP/1.1\r\nHost: x\r\n\ty\r\n\r\n", 400),
        Arguments.of(
            "obs-fold in Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of("obs-fold as the first field", "GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400),
        Arguments.of("an empty field name", "GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n", 400),
        Arguments.of("a field name with '('", "GET / HTTP/1.1\r\nHost: x\r\nX(a): v\r\n\r\n", 400),
        Arguments.of("space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        Arguments.of("tab before the colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A\t: v\r\n\r\n", 400),
        Arguments.of("a Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        Arguments.of("a Host with '@'", "GET / HTTP/1.1\r\nHost: user@x\r\n\r\n", 400),
        Arguments.of("a Host with a path", "GET / HTTP/1.1\r\nHost: x/y\r\n\r\n", 400),
        Arguments.of("a Host with a bad port", "GET / HTTP/1.1\r\nHost: x:8o\r\n\r\n", 400),
        Arguments.of("an unclosed IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
        Arguments.of("a bare CR in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400),
        Arguments.of("a NUL in a value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n", 400),
        Arguments.of("a tab in the method", "G\tET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("two spaces after the method", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        Arguments.of("HTTP/0.9", "GET /\r\n\r\n", 400),
        Arguments.of("bare LF line ends", "GET / HTTP/1.1\nHost: x\n\n", 400),
        Arguments.of("a bare LF after a field", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400),
        Arguments.of("a bare LF after chunk data", CHUNKED + "\r\n1\r\nx\n0\r\n\r\n", 400),
        Arguments.of("HTTP/2.0 as text", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        Arguments.of("a chunk size then a space", CHUNKED + "\r\n5 \r\nabcde\r\n0\r\n\r\n", 400),
        Arguments.of("a chunk size then a tab", CHUNKED + "\r\n5\t;a\r\nabcde\r\n0\r\n\r\n", 400),
        Arguments.of("a chunk size then junk", CHUNKED + "\r\n5x\r\nabcde\r\n0\r\n\r\n", 400),
        Arguments.of("a negative chunk size", CHUNKED + "\r\n-5\r\nabcde\r\n0\r\n\r\n", 400),
        Arguments.of(
            "chunk data longer than its size", CHUNKED + "\r\n3\r\nabcde\r\n0\r\n\r\n", 400),
        Arguments.of(
            "a chunk extension past 1 KiB",
            CHUNKED + "\r\n1;a=" + "b".repeat(2000) + "\r\nx\r\n0\r\n\r\n",
            413),
        Arguments.of(
            "chunk extensions past 4 KiB in one message",
            CHUNKED + "\r\n" + ("1;" + "e".repeat(900) + "\r\nx\r\n").repeat(6) + "0\r\n\r\n",
            413),
        Arguments.of(
            "a trailer section past 8 KiB",
            CHUNKED + "\r\n0\r\n" + "X-T: " + "t".repeat(10_000) + "\r\n\r\n",
            431),
        Arguments.of(
            "Content-Length in trailers", CHUNKED + "\r\n0\r\nContent-Length: 5\r\n\r\n", 400),
        Arguments.of("obs-fold in trailers", CHUNKED + "\r\n0\r\nX-T: a\r\n b\r\n\r\n", 400),
        Arguments.of("a chunked body past 1 MiB in one chunk", CHUNKED + "\r\n100001\r\n", 413),
        Arguments.of(
            "an unknown expectation",
            "POST / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\nx",
            417));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void isAnsweredOnceAndClosed(String what, String raw, int status, Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    Hostile.answeredOnceThenClosed(agent.trafficPort(), raw, status);
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  static Stream<Arguments> served() {
    return Stream.of(
        Arguments.of("a Host with a port", "GET / HTTP/1.1\r\nHost: x.example:8080\r\n\r\n"),
        Arguments.of("an IPv6 Host", "GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n"),
        Arguments.of("a pct-encoded Host", "GET / HTTP/1.1\r\nHost: a%2Db\r\n\r\n"),
        Arguments.of("an empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n"),
        Arguments.of("a leading empty line", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"),
        Arguments.of("HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n"),
        Arguments.of(
            "Connection: keep-alive, Upgrade is only a list",
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"),
        Arguments.of(
            "a chunk extension and trailers",
            CHUNKED + "\r\n5;name=\"v a\"\r\nabcde\r\n0\r\nX-T: done\r\n\r\n"),
        Arguments.of("an upper-case chunk size", CHUNKED + "\r\nA\r\n0123456789\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("served")
  void isServedAndTheConnectionKept(String what, String raw, Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      assertThat(http.send(raw).read().status()).as(what).isEqualTo(200);
      if (!raw.contains("HTTP/1.0")) {
        assertThat(http.get("/next").read().status()).isEqualTo(200);
      }
    }
  }
}
