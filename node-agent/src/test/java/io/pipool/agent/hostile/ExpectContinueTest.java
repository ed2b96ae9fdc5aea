package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Expect: 100-continue} gets a 100 (or a final 413/417 at once, RFC 9110 section 10.1.1),
 * and neither a body nor a later head can be dripped to hold a connection: the body has one idle
 * timeout from its start, each head the header timeout.
 */
@ExtendWith(VertxExtension.class)
class ExpectContinueTest {

  private static final String HIDDEN = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";

  @TempDir Path dir;

  @Test
  void aClientThatWaitsGets100ThenItsAnswer(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      http.send("POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      assertThat(http.readHead().status()).isEqualTo(100);
      assertThat(http.send("hello").read().status()).isEqualTo(200);
      assertThat(http.get("/again").read().status()).as("the connection is kept").isEqualTo(200);
    }
  }

  @Test
  void aBodyPastTheCapGets413Without100(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response r =
          http.send(
                  "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                      + "Content-Length: 5000000\r\n\r\n")
              .read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void anUnknownExpectationGets417AndClose(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response r =
          http.send(
                  "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue, x\r\n"
                      + "Content-Length: 5\r\n\r\nhello"
                      + HIDDEN)
              .read();
      assertThat(r.status()).isEqualTo(417);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void aDrippedBodyIsCutAtItsDeadline(Vertx vertx) throws Exception {
    NodeAgent agent =
        Hostile.start(
            vertx,
            dir,
            Map.of(
                "PIPOOL_SERVER_HEADERTIMEOUTSECONDS",
                "1",
                "PIPOOL_SERVER_IDLETIMEOUTSECONDS",
                "2"));
    try (RawHttp http = new RawHttp(agent.trafficPort(), Duration.ofSeconds(10))) {
      http.send(
          "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\n\r\n");
      assertThat(http.readHead().status()).isEqualTo(100);
      drip(http, 40); // 10 s, one byte every 250 ms: never idle for Vert.x
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(http.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aDrippedSecondHeadIsCutAtTheHeaderTimeout(Vertx vertx) throws Exception {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of("PIPOOL_SERVER_HEADERTIMEOUTSECONDS", "1"));
    try (RawHttp http = new RawHttp(agent.trafficPort(), Duration.ofSeconds(10))) {
      assertThat(http.get("/first").read().status()).isEqualTo(200);
      http.send("GET /second HTTP/1.1\r\n");
      drip(http, 40);
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  /** Sends up to {@code n} header-safe bytes, one every 250 ms, until the agent closes. */
  private static void drip(RawHttp http, int n) throws InterruptedException {
    try {
      for (int i = 0; i < n && http.in().available() == 0; i++) {
        http.send("x");
        Thread.sleep(250);
      }
    } catch (IOException closed) {
      // the agent gave up on us, as it should
    }
  }
}
