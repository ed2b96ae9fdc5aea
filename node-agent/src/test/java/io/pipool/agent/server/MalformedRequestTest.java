package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
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

@ExtendWith(VertxExtension.class)
class MalformedRequestTest {

  @TempDir Path dir;

  private NodeAgent start(Vertx vertx, Map<String, String> overrides) {
    return Await.result(TestAgents.start(vertx, TestAgents.settings(dir, overrides)));
  }

  static Stream<Arguments> bad() {
    return Stream.of(
        Arguments.of("garbage request line", "BLAH\r\n\r\n", 400),
        Arguments.of(
            "header line without colon", "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n", 400),
        Arguments.of(
            "oversized header",
            "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
            431),
        Arguments.of(
            "oversized URI", "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        Arguments.of(
            "body above 1 MiB",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n",
            413),
        Arguments.of(
            "non-numeric Content-Length",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n",
            400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bad")
  void getsA4xxAndTheAgentStaysUp(String what, String raw, int status, Vertx vertx)
      throws Exception {
    NodeAgent agent = start(vertx, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      assertThat(http.send(raw).read().status()).isEqualTo(status);
    }
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      assertThat(http.get("/").read().status()).isEqualTo(200);
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheHeaderTimeout(Vertx vertx) throws Exception {
    NodeAgent agent =
        start(
            vertx,
            Map.of("PIPOOL_SERVER_HEADERTIMEOUTSECONDS", "1", "PIPOOL_SERVER_HTTP2", "false"));
    try (RawHttp silent = new RawHttp(agent.trafficPort())) {
      await("connection counted")
          .atMost(Await.SETTLE)
          .until(() -> agent.state().gate().active() == 1);
      assertThat(silent.closedByServer()).isTrue();
    }
    await("connection released")
        .atMost(Await.SETTLE)
        .until(() -> agent.state().gate().active() == 0);
  }

  @Test
  void aSlowlorisHeadIsClosedAfterTheHeaderTimeout(Vertx vertx) throws Exception {
    NodeAgent agent =
        start(
            vertx,
            Map.of("PIPOOL_SERVER_HEADERTIMEOUTSECONDS", "1", "PIPOOL_SERVER_HTTP2", "false"));
    try (RawHttp slow = new RawHttp(agent.trafficPort())) {
      slow.send("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ");
      assertThat(slow.closedByServer()).isTrue();
    }
  }

  @Test
  void withH2cASilentConnectionIsClosedByTheIdleTimeout(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, Map.of("PIPOOL_SERVER_IDLETIMEOUTSECONDS", "1"));
    try (RawHttp silent = new RawHttp(agent.trafficPort())) {
      assertThat(silent.closedByServer()).isTrue();
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedByTheIdleTimeout(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, Map.of("PIPOOL_SERVER_IDLETIMEOUTSECONDS", "1"));
    try (RawHttp idle = new RawHttp(agent.trafficPort())) {
      assertThat(idle.get("/").read().status()).isEqualTo(200);
      assertThat(idle.closedByServer()).isTrue();
    }
    await("connection released")
        .atMost(Await.SETTLE)
        .until(() -> agent.state().gate().active() == 0);
  }
}
