package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawH2;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 framing per RFC 9113 and backpressure over h2c: CONTINUATION floods, stream ids going
 * backwards, and clients that never read what they asked for.
 */
@ExtendWith(VertxExtension.class)
class Http2FramingTest {

  private static final int PROTOCOL_ERROR = 0x1;
  private static final int ENHANCE_YOUR_CALM = 0xb;

  @TempDir Path dir;
  private NodeAgent agent;

  @BeforeEach
  void start(Vertx vertx) {
    agent = Hostile.start(vertx, dir, Map.of());
  }

  private RawH2 connect() throws IOException {
    return new RawH2(agent.trafficPort(), Duration.ofSeconds(5));
  }

  /** Sends what may be cut short: the agent closes the connection once it has seen enough. */
  private static void sendAnyway(RawH2 h2, byte[] bytes) {
    try {
      h2.send(bytes);
    } catch (IOException closedWhileSending) {
      // expected once the GOAWAY is out
    }
  }

  @Test
  void endlessEmptyContinuationFramesGetGoawayAndClose() throws Exception {
    try (RawH2 h2 = connect()) {
      continuationFlood(h2);
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void theSameHoldsAfterAnH2cUpgrade() throws Exception {
    try (RawH2 h2 = RawH2.upgraded(agent.trafficPort(), Duration.ofSeconds(5))) {
      continuationFlood(h2);
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void theSameHoldsOverTls() throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    // A Vert.x of its own: agents on port 0 in one Vert.x share one listener (the plain one here).
    Vertx own = Vertx.vertx();
    try {
      NodeAgent tls =
          Await.result(
              TestAgents.start(
                  own,
                  TestAgents.settings(
                      dir,
                      Map.of(
                          "PIPOOL_SERVER_TLSCERTFILE", cert.certificatePath(),
                          "PIPOOL_SERVER_TLSKEYFILE", cert.privateKeyPath()))));
      try (RawH2 h2 = RawH2.tls(tls.trafficPort(), Duration.ofSeconds(5))) {
        h2.send(RawH2.headers(1, true));
        assertThat(h2.until(RawH2.DATA)).as("answered over TLS").isNotNull();
        continuationFlood(h2);
      }
    } finally {
      Await.result(own.close());
    }
  }

  private static void continuationFlood(RawH2 h2) throws Exception {
    ByteArrayOutputStream flood = new ByteArrayOutputStream();
    // A GET whose header block never ends: END_STREAM without END_HEADERS.
    flood.writeBytes(RawH2.frame(RawH2.HEADERS, 0x1, 3, new byte[] {(byte) 0x82}));
    byte[] empty = RawH2.frame(RawH2.CONTINUATION, 0, 3, new byte[0]);
    for (int i = 0; i < 300_000; i++) {
      flood.writeBytes(empty);
    }
    Thread sender = new Thread(() -> sendAnyway(h2, flood.toByteArray()));
    sender.start();
    RawH2.Frame goaway = h2.until(RawH2.GOAWAY);
    assertThat(goaway).as("GOAWAY").isNotNull();
    assertThat(goaway.errorCode()).isEqualTo(ENHANCE_YOUR_CALM);
    assertThat(h2.closedByServer()).isTrue();
    sender.join(5_000);
  }

  @Test
  void continuationFramesThatAddUpPastTheLimitGetGoaway() throws Exception {
    try (RawH2 h2 = connect()) {
      ByteArrayOutputStream block = new ByteArrayOutputStream();
      block.writeBytes(RawH2.frame(RawH2.HEADERS, 0x1, 1, new byte[] {(byte) 0x82}));
      // Literal never-indexed headers of 16 000 bytes each, four frames of them.
      for (int i = 0; i < 8; i++) {
        block.writeBytes(RawH2.frame(RawH2.CONTINUATION, 0, 1, new byte[16_000]));
      }
      sendAnyway(h2, block.toByteArray());
      RawH2.Frame goaway = h2.until(RawH2.GOAWAY);
      assertThat(goaway).as("GOAWAY").isNotNull();
      assertThat(goaway.errorCode()).isNotZero();
      assertThat(h2.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void headersOnAStreamIdBelowOneAlreadyOpenedIsAConnectionError() throws Exception {
    try (RawH2 h2 = connect()) {
      h2.send(RawH2.headers(5, true));
      assertThat(h2.until(RawH2.DATA)).as("stream 5 answered").isNotNull();
      h2.send(RawH2.headers(3, true));
      RawH2.Frame goaway = h2.until(RawH2.GOAWAY);
      assertThat(goaway).as("GOAWAY, not a stream reset").isNotNull();
      assertThat(goaway.errorCode()).isEqualTo(PROTOCOL_ERROR);
      assertThat(lastStream(goaway)).isEqualTo(5);
      assertThat(h2.closedByServer()).isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void headersReusingAFinishedStreamIsAConnectionError() throws Exception {
    try (RawH2 h2 = connect()) {
      h2.send(RawH2.headers(1, true));
      assertThat(h2.until(RawH2.DATA)).as("stream 1 answered").isNotNull();
      h2.send(RawH2.headers(1, true));
      RawH2.Frame goaway = h2.until(RawH2.GOAWAY);
      assertThat(goaway).as("GOAWAY").isNotNull();
      assertThat(goaway.errorCode()).isEqualTo(PROTOCOL_ERROR);
      assertThat(h2.closedByServer()).isTrue();
    }
  }

  @Test
  void trailersOnAnOpenStreamAreStillServed() throws Exception {
    try (RawH2 h2 = connect()) {
      h2.send(RawH2.headers(1, false)); // a POST whose body follows
      h2.send(RawH2.frame(RawH2.DATA, 0, 1, "hello".getBytes(StandardCharsets.US_ASCII)));
      byte[] trailer = {0x00, 0x03, 'x', '-', 't', 0x01, '1'}; // x-t: 1, literal
      h2.send(RawH2.frame(RawH2.HEADERS, 0x4 | 0x1, 1, trailer));
      RawH2.Frame answer = h2.until(RawH2.HEADERS);
      assertThat(answer).as("the response").isNotNull();
      assertThat(answer.stream()).isEqualTo(1);
      h2.send(RawH2.frame(RawH2.PING, 0, 0, new byte[8]));
      assertThat(h2.until(RawH2.PING)).as("the connection lives").isNotNull();
    }
  }

  @Test
  void streamsWhoseResponsesAreNeverReadDoNotGrowTheHeap() throws Exception {
    long before = usedHeapAfterGc();
    List<RawH2> clients = new ArrayList<>();
    List<Thread> senders = new ArrayList<>();
    try {
      for (int c = 0; c < 4; c++) {
        RawH2 h2 = connect();
        clients.add(h2);
        // Never acknowledges the agent's SETTINGS, never reads, never opens the window (half of
        // them shut it at once): 40 000 GETs, each answered with 1 KiB the client will not take.
        ByteArrayOutputStream gets = new ByteArrayOutputStream();
        if (c % 2 == 1) {
          gets.writeBytes(RawH2.settings(0x4, 0)); // SETTINGS_INITIAL_WINDOW_SIZE 0
        }
        for (int stream = 1; stream < 80_000; stream += 2) {
          gets.writeBytes(RawH2.headers(stream, true));
        }
        Thread t = new Thread(() -> sendAnyway(h2, gets.toByteArray()));
        t.setDaemon(true);
        t.start();
        senders.add(t);
      }
      Thread.sleep(3_000); // what the agent takes in meanwhile is what would grow its heap
      long during = usedHeapAfterGc();
      // The gate's documented bound is 2 MiB per connection; without it, 21 MiB in these 3 s.
      assertThat(during - before)
          .as("heap grown by four connections that read nothing (bytes)")
          .isLessThan(4 * (2L << 20));
      Hostile.stillServes(agent.trafficPort(), "/", 200);
    } finally {
      for (RawH2 h2 : clients) {
        h2.close();
      }
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static int lastStream(RawH2.Frame goaway) {
    byte[] p = goaway.payload();
    return ((p[0] & 0x7f) << 24) | ((p[1] & 0xff) << 16) | ((p[2] & 0xff) << 8) | (p[3] & 0xff);
  }
}
