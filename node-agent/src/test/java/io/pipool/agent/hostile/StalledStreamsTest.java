package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.server.ConnectionGate;
import io.pipool.agent.server.FdBudget;
import io.pipool.agent.server.OpenFiles;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawH2;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Static mode over h2c, every stream stalled by a zero flow-control window while the client keeps
 * the connection busy with PINGs (so the idle timeout never ends it): each stalled stream is reset
 * after the send timeout, its file closed, and no more than a few files are open at any time.
 */
@ExtendWith(VertxExtension.class)
class StalledStreamsTest {

  private static final int CANCEL = 0x8;
  private static final int STREAMS = 20;

  @TempDir Path dir;

  @Test
  void streamsStalledByAZeroWindowAreResetAndHoldFewFiles(Vertx vertx) throws Exception {
    Path www = www();
    NodeAgent agent =
        Hostile.start(
            vertx,
            dir,
            Map.of(
                "PIPOOL_SERVER_MODE", "Static",
                "PIPOOL_SERVER_STATICDIR", www.toString(),
                "PIPOOL_SERVER_IDLETIMEOUTSECONDS", "1"));
    Set<Integer> reset = new HashSet<>();
    int mostOpen = 0;
    try (RawH2 h2 = new RawH2(agent.trafficPort(), Duration.ofMillis(300))) {
      h2.stalledGets("/big.bin", STREAMS);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (reset.size() < STREAMS && System.nanoTime() < deadline) {
        h2.send(RawH2.frame(RawH2.PING, 0, 0, new byte[8])); // busy, so never idle
        RawH2.Frame f;
        while ((f = h2.next()) != null) {
          if (f.type() == RawH2.RST_STREAM && f.errorCode() == CANCEL) {
            reset.add(f.stream());
          }
        }
        mostOpen = Math.max(mostOpen, openFiles(agent));
      }
    }
    assertThat(reset).as("stalled streams reset with CANCEL").hasSize(STREAMS);
    assertThat(mostOpen).as("files open at once").isBetween(1, OpenFiles.PER_CONNECTION);
    Hostile.stillServes(agent.trafficPort(), "/small.txt", 200);
    await("every file closed afterwards").atMost(Await.SETTLE).until(() -> openFiles(agent) == 0);
  }

  /**
   * Under a small descriptor budget (its quarter for files spent by two connections of stalled
   * streams), a new request for a file is answered 503 with Retry-After, not left to fail an
   * accept; the probes answer; once the stalled streams are reset, files are served again.
   */
  @Test
  void aSpentFileBudgetAnswers503AndRecovers(Vertx vertx) throws Exception {
    Path www = www();
    // About 40 descriptors past the agent's reserve (its open ones plus 32, plus the guards').
    long soft =
        FdBudget.openNow(Path.of("/proc/self/fd")) + 32 + NodeAgent.RESERVED_FOR_GUARDS + 40;
    TestAgents.write(
        dir.resolve("limits"),
        "Max open files            "
            + soft
            + "                 "
            + soft
            + "                 files\n");
    NodeAgent agent =
        Hostile.start(
            vertx,
            dir,
            Map.of(
                "PIPOOL_SERVER_MODE", "Static",
                "PIPOOL_SERVER_STATICDIR", www.toString(),
                "PIPOOL_SERVER_IDLETIMEOUTSECONDS", "2"));
    ConnectionGate gate = (ConnectionGate) agent.state().gate();
    assertThat(gate.maxFiles()).isLessThan(2 * OpenFiles.PER_CONNECTION);
    List<RawH2> stalled = new ArrayList<>();
    try {
      for (int c = 0; c < 2; c++) {
        RawH2 h2 = new RawH2(agent.trafficPort(), Duration.ofSeconds(5));
        stalled.add(h2);
        h2.stalledGets("/big.bin", 20);
      }
      await("the file budget spent")
          .atMost(Await.SETTLE)
          .until(() -> gate.openFiles() == gate.maxFiles());
      RawHttp.Response refused = Hostile.fresh(agent.trafficPort(), "/small.txt");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isNotNull();
      assertThat(Admin.get(agent, "/healthz").status()).as("/healthz").isEqualTo(200);
    } finally {
      for (RawH2 h2 : stalled) {
        h2.close();
      }
    }
    await("files served again")
        .atMost(Await.SETTLE)
        .until(() -> Hostile.fresh(agent.trafficPort(), "/small.txt").status() == 200);
  }

  /** A folder with a file of 1 MiB, big.bin, and a small one, small.txt. */
  private Path www() throws IOException {
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.write(www.resolve("big.bin"), new byte[1 << 20]);
    Files.writeString(www.resolve("small.txt"), "small\n");
    return www;
  }

  private static int openFiles(NodeAgent agent) {
    return ((ConnectionGate) agent.state().gate()).openFiles();
  }
}
