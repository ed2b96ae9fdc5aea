package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.server.AdminVerticle;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.Hostile;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
 * A squatter on the admin port, from many source addresses, keeps far more connections open than
 * the port has slots and refreshes them: idle keep-alive connections, silent ones, and ones that
 * ask for /metrics and /v1/status and never read. The kubelet's probes (a fresh connection from the
 * node's own address, GET /healthz and /readyz/pod) and the front's /readyz from elsewhere are
 * still answered 200 within a second, every time.
 */
@ExtendWith(VertxExtension.class)
class ProbeSquattingTest {

  /** Source addresses the squatter uses. */
  private static final int SOURCES = 12;

  /** Squatting connections kept open, several times the slots (and the old cap of 16). */
  private static final int SQUATTERS = 4 * AdminVerticle.SLOTS;

  /** Probe rounds, each a liveness, a readiness and a front check on fresh connections. */
  private static final int ROUNDS = 20;

  @TempDir Path dir;

  @Test
  void probesAreAnsweredWhateverASquatterHolds(Vertx vertx) throws Exception {
    int port = warmAdminPort(vertx);
    List<Socket> held = new ArrayList<>();
    for (int i = 0; i < SQUATTERS; i++) {
      held.add(squat(port, i));
    }
    AtomicBoolean squatting = new AtomicBoolean(true);
    AtomicLong refreshed = new AtomicLong();
    ExecutorService refresher = Executors.newSingleThreadExecutor();
    refresher.submit(() -> refresh(port, held, squatting, refreshed));
    List<String> failed = new ArrayList<>();
    try {
      await("every squatting connection refreshed once")
          .atMost(Duration.ofSeconds(20))
          .until(() -> refreshed.get() >= SQUATTERS);
      for (int round = 0; round < ROUNDS; round++) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        probe(failed, round, "kubelet /healthz", () -> Hostile.fresh(port, "/healthz").status());
        probe(
            failed,
            round,
            "kubelet /readyz/pod",
            () -> Hostile.fresh(port, "/readyz/pod").status());
        probe(failed, round, "front /readyz", () -> freshFrom("127.0.7.1", port, "/readyz"));
      }
    } finally {
      squatting.set(false);
      refresher.shutdown();
      assertThat(refresher.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      synchronized (held) {
        closeAll(held);
      }
    }
    assertThat(refreshed.get()).as("squatting connections refreshed meanwhile").isPositive();
    assertThat(failed).as("probes not answered 200 within 1 s").isEmpty();
  }

  @Test
  void reportsHaveTheirOwnBudgetAndAreAnsweredAgainOnceTheSquatterLeaves(Vertx vertx)
      throws Exception {
    int port = warmAdminPort(vertx);
    List<Socket> held = new ArrayList<>();
    try {
      // every connection asks for reports, pipelined, and never reads
      for (int i = 0; i < SQUATTERS; i++) {
        held.add(squat(port, 3 * i + 2));
      }
      // the burst of requests they pipelined is answered (most with 503) first
      await("the burst answered")
          .atMost(Await.SETTLE)
          .ignoreExceptions()
          .until(() -> freshFrom("127.0.0.1", port, "/healthz") == 200);
      for (int i = 0; i < 5; i++) {
        assertThat(Hostile.fresh(port, "/readyz/pod").status()).isEqualTo(200);
        assertThat(freshFrom("127.0.7.2", port, "/healthz")).isEqualTo(200);
        assertThat(freshFrom("127.0.7.3", port, "/v1/status")).isIn(200, 503);
      }
    } finally {
      closeAll(held);
    }
    // within the Retry-After the 503s asked for, reports are answered again
    await("reports answered again")
        .atMost(Duration.ofSeconds(3))
        .until(() -> freshFrom("127.0.7.4", port, "/v1/status") == 200);
    assertThat(freshFrom("127.0.7.4", port, "/metrics")).isEqualTo(200);
  }

  @Test
  void squattersOnTheNodesOwnAddressDoNotFailTheKubeletEither(Vertx vertx) throws Exception {
    int port = warmAdminPort(vertx);
    List<Socket> held = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        // a fresh batch of idle keep-alive and silent connections from the node itself each round
        for (int i = 0; i < 2 * AdminVerticle.NODE_SLOTS; i++) {
          held.add(squatFrom("127.0.0.1", port, i % 2));
        }
        probe(failed, round, "kubelet /healthz", () -> Hostile.fresh(port, "/healthz").status());
      }
    } finally {
      closeAll(held);
    }
    assertThat(failed).as("probes not answered 200 within 1 s").isEmpty();
  }

  /**
   * Starts an agent and asks its admin port for every answer once, so that the one-second deadlines
   * measure an agent under attack rather than a cold JVM (as {@link Hostile#start} does for the
   * traffic port); the admin port.
   */
  private int warmAdminPort(Vertx vertx) throws IOException {
    NodeAgent agent = Hostile.start(vertx, dir, Map.of());
    int port = agent.adminPort();
    for (String path : List.of("/healthz", "/readyz/pod", "/readyz", "/v1/status", "/metrics")) {
      freshFrom("127.0.0.1", port, path);
    }
    return port;
  }

  /** One probe; a failure is recorded rather than thrown, so that every round runs. */
  private static void probe(List<String> failed, int round, String what, Probe p) {
    long began = System.nanoTime();
    try {
      int status = p.status();
      long ms = (System.nanoTime() - began) / 1_000_000;
      if (status != 200 || ms > Hostile.FRESH.toMillis()) {
        failed.add("round " + round + ", " + what + ": " + status + " after " + ms + " ms");
      }
    } catch (AssertionError | IOException | RuntimeException e) {
      failed.add("round " + round + ", " + what + ": " + e);
    }
  }

  /** A probe's answer. */
  private interface Probe {
    int status() throws IOException;
  }

  /**
   * A squatting connection from one of the squatter's addresses, of one of three kinds: an idle
   * keep-alive connection after one request, a silent one, and one that pipelines reports and never
   * reads.
   */
  private static Socket squat(int port, int i) throws IOException {
    return squatFrom("127.0.8." + (1 + i % SOURCES), port, i % 3);
  }

  private static Socket squatFrom(String source, int port, int kind) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(1024);
    s.bind(new InetSocketAddress(source, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
    String request =
        switch (kind) {
          case 0 -> "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
          case 1 -> "";
          default ->
              "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4)
                  + "GET /v1/status HTTP/1.1\r\nHost: x\r\n\r\n".repeat(4);
        };
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  /** Replaces the squatter's connections one after another, as long as {@code squatting}. */
  private static void refresh(
      int port, List<Socket> held, AtomicBoolean squatting, AtomicLong refreshed) {
    int i = 0;
    while (squatting.get()) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      int slot = i % SQUATTERS;
      try {
        Socket fresh = squat(port, i);
        Socket old;
        synchronized (held) {
          old = held.set(slot, fresh);
        }
        old.close();
        refreshed.incrementAndGet();
      } catch (IOException e) {
        // refused or reset: squat on
      }
      i++;
    }
  }

  /** A GET on a fresh connection from {@code source}, answered within {@link Hostile#FRESH}. */
  private static int freshFrom(String source, int port, String path) throws IOException {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(source, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), (int) Hostile.FRESH.toMillis());
      s.setSoTimeout((int) Hostile.FRESH.toMillis());
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      for (int b; head.size() < 12 && (b = in.read()) >= 0; ) {
        head.write(b);
      }
      String line = head.toString(StandardCharsets.US_ASCII);
      if (line.length() < 12) {
        throw new IOException("closed before a status line: " + line);
      }
      return Integer.parseInt(line.substring(9, 12));
    }
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
