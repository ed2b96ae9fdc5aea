package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that hold connections without finishing a request: silent sockets, slowloris, floods past
 * the cap. h2c stays on (the default), where Vert.x alone learns of a connection only once its
 * first head is complete.
 */
@ExtendWith(VertxExtension.class)
class SlowAndSilentClientsTest {

  @TempDir Path dir;

  private NodeAgent start(Vertx vertx, String maxConnections, String headerTimeout) {
    Map<String, String> env = new HashMap<>();
    env.put("PIPOOL_SERVER_MAXCONNECTIONS", maxConnections);
    env.put("PIPOOL_SERVER_HEADERTIMEOUTSECONDS", headerTimeout);
    env.put("PIPOOL_SERVER_IDLETIMEOUTSECONDS", "60");
    return Hostile.start(vertx, dir, env);
  }

  @Test
  void silentSocketsCountAgainstTheCapFromTheMomentTheyAreAccepted(Vertx vertx) {
    NodeAgent agent = start(vertx, "3", "30");
    List<RawHttp> silent = Hostile.silent(agent.trafficPort(), 3);
    try {
      await("3 silent sockets shown as active")
          .atMost(Await.SETTLE)
          .until(() -> Admin.status(agent).connections().active() == 3);
      RawHttp.Response r = Hostile.fresh(agent.trafficPort(), "/");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.header("connection")).isEqualTo("close");
    } finally {
      Hostile.closeAll(silent);
    }
    await("silent sockets released")
        .atMost(Await.SETTLE)
        .until(() -> agent.state().gate().active() == 0);
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aSilentSocketIsClosedAtTheHeaderTimeoutWithH2cOn(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "10", "1");
    try (RawHttp silent = new RawHttp(agent.trafficPort(), Duration.ofSeconds(4))) {
      assertThat(silent.closedByServer()).as("closed well before the 60 s idle timeout").isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aSlowlorisHeadIsClosedAtTheHeaderTimeoutWithH2cOn(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "10", "1");
    try (RawHttp slow = new RawHttp(agent.trafficPort(), Duration.ofMillis(200))) {
      slow.send("GET / HTTP/1.1\r\nHost: x\r\n");
      boolean closed = false;
      // A header line every 200 ms keeps the idle timer from ever firing; only the deadline can.
      for (int i = 0; i < 20 && !closed; i++) {
        try {
          slow.send("X-Drip-" + i + ": y\r\n");
        } catch (java.io.IOException reset) {
          closed = true;
          break;
        }
        closed = slow.closedByServer();
      }
      assertThat(closed).as("closed within 4 s of dripping").isTrue();
    }
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aSilentSocketPastTheCapIsClosedAfterTwoSeconds(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "1", "30");
    try (RawHttp admitted = new RawHttp(agent.trafficPort());
        RawHttp over = new RawHttp(agent.trafficPort(), Duration.ofSeconds(4))) {
      long t0 = System.nanoTime();
      assertThat(over.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
      assertThat(admitted.timeout(Duration.ofMillis(200)).closedByServer())
          .as("the admitted one has 30 s")
          .isFalse();
      assertThat(Admin.status(agent).connections().rejected()).isEqualTo(1);
    }
    await("released").atMost(Await.SETTLE).until(() -> agent.state().gate().active() == 0);
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }

  @Test
  void aFloodPastTheCapHoldsNoMoreThanTheRejectionBacklog(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "2", "30");
    try (RawHttp a = new RawHttp(agent.trafficPort());
        RawHttp b = new RawHttp(agent.trafficPort())) {
      assertThat(a.get("/").read().status()).isEqualTo(200);
      assertThat(b.get("/").read().status()).isEqualTo(200);
      List<RawHttp> flood = Hostile.silent(agent.trafficPort(), 80);
      try {
        await("every flood connection seen")
            .atMost(Await.SETTLE)
            .until(() -> agent.state().gate().rejected() == 80);
        // the closes reach the client when they do on a loaded machine: wait for them, well
        // inside the 30 s header timeout that would close a held connection
        java.util.Set<RawHttp> closed = new java.util.HashSet<>();
        await("all but the 32-connection backlog closed at accept")
            .atMost(Await.SETTLE)
            .until(
                () -> {
                  for (RawHttp s : flood) {
                    if (!closed.contains(s) && s.timeout(Duration.ofMillis(20)).closedByServer()) {
                      closed.add(s);
                    }
                  }
                  return closed.size() >= 80 - 32;
                });
        assertThat(Admin.readyz(agent)).isEqualTo(200);
        assertThat(a.get("/").read().status()).isEqualTo(200);
      } finally {
        Hostile.closeAll(flood);
      }
    }
    await("released").atMost(Await.SETTLE).until(() -> agent.state().gate().active() == 0);
    Hostile.stillServes(agent.trafficPort(), "/", 200);
  }
}
