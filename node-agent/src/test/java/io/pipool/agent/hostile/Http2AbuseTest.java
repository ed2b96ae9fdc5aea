package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawH2;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** HTTP/2 abuse over h2c: control-frame floods, rapid reset, too many streams. */
@ExtendWith(VertxExtension.class)
class Http2AbuseTest {

  private static final int ENHANCE_YOUR_CALM = 0xb;
  private static final int REFUSED_STREAM = 0x7;

  @TempDir Path dir;
  private NodeAgent agent;

  @BeforeEach
  void start(Vertx vertx) {
    agent = Hostile.start(vertx, dir, Map.of());
  }

  private RawH2 connect() throws Exception {
    return new RawH2(agent.trafficPort(), Duration.ofSeconds(5));
  }

  static Stream<Arguments> controlFrames() {
    return Stream.of(
        Arguments.of("SETTINGS", RawH2.frame(RawH2.SETTINGS, 0, 0, new byte[0])),
        Arguments.of("PING", RawH2.frame(RawH2.PING, 0, 0, new byte[8])),
        Arguments.of(
            "SETTINGS and PING taking turns",
            concat(
                RawH2.frame(RawH2.SETTINGS, 0, 0, new byte[0]),
                RawH2.frame(RawH2.PING, 0, 0, new byte[8]))));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void aClientWithinTheControlFrameLimitKeepsItsConnection() throws Exception {
    try (RawH2 h2 = connect()) {
      // the 100 a window allows, mixed, then a request on the same connection
      h2.repeat(
          concat(
              RawH2.frame(RawH2.SETTINGS, 0, 0, new byte[0]),
              RawH2.frame(RawH2.PING, 0, 0, new byte[8])),
          50);
      h2.send(RawH2.get(1, "/"));
      RawH2.Frame headers = h2.until(RawH2.HEADERS);
      assertThat(headers).as("the request after 100 control frames is answered").isNotNull();
      assertThat(h2.status(headers)).isEqualTo(200);
    }
  }

  @ParameterizedTest(name = "{0} flood")
  @MethodSource("controlFrames")
  void aControlFrameFloodGetsGoawayEnhanceYourCalmAndIsClosed(String type, byte[] frame)
      throws Exception {
    try (RawH2 h2 = connect()) {
      try {
        h2.repeat(frame, 20_000);
      } catch (java.io.IOException closedWhileSending) {
        // the agent may close before the flood is written
      }
      RawH2.Frame goaway = h2.until(RawH2.GOAWAY);
      assertThat(goaway).as("GOAWAY").isNotNull();
      assertThat(goaway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
      assertThat(h2.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void rapidResetIsCutOffWithGoaway() throws Exception {
    try (RawH2 h2 = connect()) {
      java.io.ByteArrayOutputStream burst = new java.io.ByteArrayOutputStream();
      for (int stream = 1; stream < 2 * 1000; stream += 2) {
        burst.writeBytes(RawH2.headers(stream, true));
        burst.writeBytes(RawH2.reset(stream));
      }
      try {
        h2.send(burst.toByteArray());
      } catch (java.io.IOException closedWhileSending) {
        // the agent may close before the burst is written
      }
      assertThat(h2.until(RawH2.GOAWAY)).as("GOAWAY").isNotNull();
      assertThat(h2.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void streamsPastTheAnnouncedLimitAreRefusedAndTheConnectionLives() throws Exception {
    try (RawH2 h2 = connect()) {
      RawH2.Frame settings = h2.until(RawH2.SETTINGS);
      assertThat(settings).isNotNull();
      // Netty enforces its announced limit once the client has acknowledged it.
      h2.send(RawH2.frame(RawH2.SETTINGS, 0x1, 0, new byte[0]));
      java.io.ByteArrayOutputStream open = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < 101; i++) {
        open.writeBytes(RawH2.headers(1 + 2 * i, false)); // bodies that never come
      }
      h2.send(open.toByteArray());
      RawH2.Frame refused = h2.until(RawH2.RST_STREAM);
      assertThat(refused).isNotNull();
      assertThat(refused.stream()).isEqualTo(201);
      assertThat(refused.errorCode()).isEqualTo(REFUSED_STREAM);
      h2.send(RawH2.frame(RawH2.PING, 0, 0, new byte[8]));
      RawH2.Frame pong = h2.until(RawH2.PING);
      assertThat(pong).as("the connection still answers").isNotNull();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }
}
