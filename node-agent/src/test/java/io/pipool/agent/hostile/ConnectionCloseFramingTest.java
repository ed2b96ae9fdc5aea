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
 * A response that says Connection: close is the last one on its connection: the connection is
 * closed once it is written and the request pipelined behind it is never answered (nor proxied). An
 * h2c upgrade is switched only when it is valid; otherwise 400 and close, never 101.
 */
@ExtendWith(VertxExtension.class)
class ConnectionCloseFramingTest {

  private static final String HIDDEN = Hostile.HIDDEN;
  private static final String UPGRADE =
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n";

  @TempDir Path dir;

  static Stream<Arguments> lastAnswers() {
    return Stream.of(
        Arguments.of(
            "413 for a Content-Length past 1 MiB",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + "b".repeat(100),
            413),
        Arguments.of(
            "400 for a broken HTTP2-Settings", UPGRADE + "HTTP2-Settings: !!\r\n\r\n", 400),
        Arguments.of(
            "400 for two HTTP2-Settings",
            UPGRADE + "HTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n\r\n",
            400),
        Arguments.of(
            "400 for an invalid setting (ENABLE_PUSH=2)",
            UPGRADE + "HTTP2-Settings: AAIAAAAC\r\n\r\n",
            400),
        Arguments.of(
            "400 for an h2c upgrade without HTTP2-Settings",
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
            400),
        Arguments.of(
            "200 to a request that asked to close",
            "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            200));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lastAnswers")
  void closesAndNeverAnswersTheNextRequest(String what, String raw, int status, Vertx vertx)
      throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    Hostile.answeredOnceThenClosed(agent.trafficPort(), raw, status);
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aValidH2cUpgradeStillSwitches(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response r =
          http.send(UPGRADE + "HTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n").readHead();
      assertThat(r.status()).isEqualTo(101);
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void inProxyModeAChunkedBodyPastOneMibGets413AndNothingBehindItIsProxied(Vertx vertx)
      throws Exception {
    FakeUpstream upstream = FakeUpstream.start(vertx);
    NodeAgent agent =
        Hostile.start(
            vertx,
            dir,
            Map.of("PIPOOL_SERVER_MODE", "Proxy", "PIPOOL_SERVER_UPSTREAM", upstream.url()));
    Hostile.chunkedPastTheCapGets413(agent.trafficPort(), "/hang");
    Hostile.stillServes(agent.trafficPort(), "/ok", 200);
    assertThat(upstream.requestLines()).doesNotContain("GET /hidden HTTP/1.1");
  }
}
