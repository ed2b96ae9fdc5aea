package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAProxy's agent check while other clients churn connections on the same port: every check gets
 * its line, as HAProxy reads it (connect, read until the agent closes, within its check timeout).
 */
@ExtendWith(VertxExtension.class)
class AgentCheckChurnTest {

  /** Checks asked during the churn. */
  private static final int CHECKS = 50;

  /** Threads churning, each from its own loopback source address. */
  private static final int CHURNERS = 6;

  /** Connections each churner opens per second at most (360/s in all). */
  private static final int CHURN_PER_SECOND = 60;

  /** Connections each churner holds open without reading, refreshed as it churns. */
  private static final int HELD = 8;

  /** Pause between two checks, so that they spread over the churn. */
  private static final Duration CHECK_EVERY = Duration.ofMillis(20);

  @TempDir Path dir;

  @Test
  void everyCheckIsAnsweredWhileOthersChurnConnections(Vertx vertx) throws Exception {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "50000");
    NodeAgent agent = Hostile.start(vertx, dir, Map.of("PIPOOL_SERVER_AGENTCHECKPORT", "0"));
    int port = agent.agentCheckPort();
    assertThat(check(port)).as("a check before the churn").isEqualTo("up ready 100%\n");
    AtomicBoolean churning = new AtomicBoolean(true);
    AtomicLong churned = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(CHURNERS);
    for (int i = 0; i < CHURNERS; i++) {
      String source = "127.0.9." + (i + 1);
      boolean reset = i % 2 == 0;
      pool.submit(() -> churn(source, port, reset, churning, churned));
    }
    List<String> missed = new ArrayList<>();
    long began = System.nanoTime();
    try {
      // until every churner holds its connections open, as a steady churn does
      await("churn under way")
          .atMost(Duration.ofSeconds(20))
          .until(() -> churned.get() >= CHURNERS * 5L * HELD);
      for (int i = 0; i < CHECKS; i++) {
        LockSupport.parkNanos(CHECK_EVERY.toNanos());
        String line = check(port);
        if (!"up ready 100%\n".equals(line)) {
          missed.add("check " + i + ": " + line);
        }
      }
    } finally {
      churning.set(false);
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    System.out.printf(
        "%d checks, %d connections churned in %d ms%n",
        CHECKS, churned.get(), (System.nanoTime() - began) / 1_000_000);
    assertThat(churned.get()).as("connections churned meanwhile").isGreaterThan(CHECKS);
    assertThat(missed).as("checks not answered with the agent's line").isEmpty();
  }

  /**
   * One check as HAProxy makes it: a fresh connection, read until the agent closes, within
   * HAProxy's default check timeout (its {@code inter}, 2 s).
   */
  private static String check(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(2000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * Opens connections and drops them at once (half with a reset), some sending a few bytes, and
   * holds a handful open without reading, refreshing them.
   */
  private static void churn(
      String source, int port, boolean reset, AtomicBoolean churning, AtomicLong churned) {
    List<Socket> held = new ArrayList<>();
    long n = 0;
    long next = System.nanoTime();
    while (churning.get()) {
      next += 1_000_000_000L / CHURN_PER_SECOND;
      LockSupport.parkNanos(next - System.nanoTime());
      try {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        if (n % 3 == 0) {
          s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        }
        if (n % 5 == 0) {
          held.add(s);
          if (held.size() > HELD) {
            held.remove(0).close();
          }
        } else {
          if (reset) {
            s.setSoLinger(true, 0);
          }
          s.close();
        }
        churned.incrementAndGet();
        n++;
      } catch (IOException e) {
        // the agent may close or refuse; churn on
      }
    }
    for (Socket s : held) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
