package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.FakeUpstream;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Proxy mode in front of an upstream that hangs, cuts off, talks garbage or sends too much. */
@ExtendWith(VertxExtension.class)
class ProxyUpstreamFaultsTest {

  @TempDir Path dir;
  private NodeAgent agent;

  @BeforeEach
  void start(Vertx vertx) {
    FakeUpstream upstream = FakeUpstream.start(vertx);
    agent = upstream.proxiedBy(vertx, dir);
  }

  @Test
  void aBodyCutShortUpstreamAbortsTheClientConnectionAtOnce() throws Exception {
    // Well under the 3 s idle timeout: only an abort can close it this soon.
    try (RawHttp http = new RawHttp(agent.trafficPort(), Duration.ofMillis(1500))) {
      RawHttp.Response r = http.get("/cut").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().length())
          .as("the client sees a short body, not a complete one")
          .isLessThan(FakeUpstream.CUT_PROMISED);
      assertThat(http.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/ok", 200);
  }

  static Stream<Arguments> faults() {
    return Stream.of(
        Arguments.of("/hang", 504), Arguments.of("/garbage", 502), Arguments.of("/huge-head", 502));
  }

  @ParameterizedTest(name = "{0} gives {1}")
  @MethodSource("faults")
  void anUpstreamFaultGetsAGatewayErrorAndTheConnectionGoesOn(String path, int status)
      throws Exception {
    try (RawHttp http = new RawHttp(agent.trafficPort(), Duration.ofSeconds(5))) {
      assertThat(http.get(path).read().status()).isEqualTo(status);
      assertThat(http.get("/ok").read().status()).as("same connection").isEqualTo(200);
    }
    Hostile.stillServes(agent.trafficPort(), "/ok", 200);
  }

  static Stream<String> malformed() {
    return FakeUpstream.MALFORMED.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void aMalformedUpstreamResponseIs502AndNeverDesyncsTheClient(String path) throws Exception {
    try (RawHttp http = new RawHttp(agent.trafficPort(), Duration.ofSeconds(5))) {
      RawHttp.Response r = http.get(path).read();
      if (path.equals("/length-and-chunked")) {
        // Netty's decoder drops the Content-Length and decodes the chunked body (RFC 9112
        // section 6.3): relayed re-framed, never as the Content-Length the upstream claimed.
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok\n");
        assertThat(r.header("content-length")).isNull();
      } else {
        assertThat(r.status()).as("status for %s", path).isEqualTo(502);
      }
      RawHttp.Response next = http.get("/ok").read();
      assertThat(next.status()).as("same connection").isEqualTo(200);
      assertThat(next.body()).isEqualTo("ok\n");
    }
    for (int i = 0; i < 3; i++) {
      RawHttp.Response fresh = Hostile.fresh(agent.trafficPort(), "/ok");
      assertThat(fresh.status()).isEqualTo(200);
      assertThat(fresh.body()).as("the upstream connection was not reused").isEqualTo("ok\n");
    }
  }

  @Test
  void aHugeBodyIsStreamedThrough() throws Exception {
    try (RawHttp http = new RawHttp(agent.trafficPort(), Duration.ofSeconds(5))) {
      RawHttp.Response r = http.get("/huge-body").read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).hasSize(FakeUpstream.HUGE_BODY);
    }
    Hostile.stillServes(agent.trafficPort(), "/ok", 200);
  }
}
