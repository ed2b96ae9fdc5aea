package io.pipool.agent.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.api.agent.AgentConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What every hostile-client case checks afterwards, and sockets that misbehave. */
public final class Hostile {

  /** How long a normal request on a fresh connection may take while (or after) under attack. */
  public static final Duration FRESH = Duration.ofSeconds(1);

  private Hostile() {}

  /**
   * Starts an agent and sends it one request first, so the one-second deadlines below measure an
   * agent under attack rather than a cold JVM loading classes.
   */
  public static NodeAgent start(Vertx vertx, AgentConfig settings) {
    NodeAgent agent = Await.result(TestAgents.start(vertx, settings));
    try (RawHttp warm = new RawHttp(agent.trafficPort())) {
      warm.get("/").read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    await("warm-up connection released")
        .atMost(Await.SETTLE)
        .until(() -> agent.state().gate().active() == 0);
    return agent;
  }

  /** Starts an agent with its files under {@code dir} and {@code env} laid over the defaults. */
  public static NodeAgent start(Vertx vertx, Path dir, Map<String, String> env) {
    return start(vertx, TestAgents.settings(dir, env));
  }

  /** A normal GET on a fresh connection; fails when it is not answered within {@link #FRESH}. */
  public static RawHttp.Response fresh(int port, String path) {
    try (RawHttp http = new RawHttp(port, FRESH)) {
      return http.get(path).read();
    } catch (IOException e) {
      throw new AssertionError("a fresh request for " + path + " was not answered within 1 s", e);
    }
  }

  /** Asserts that a fresh connection still gets {@code status} for {@code path} within a second. */
  public static void stillServes(int port, String path, int status) {
    assertThat(fresh(port, path).status()).as("fresh GET %s", path).isEqualTo(status);
  }

  /** The request every refusal test pipelines behind the refused one; it must never be answered. */
  public static final String HIDDEN = "GET /hidden HTTP/1.1\r\nHost: x\r\n\r\n";

  /**
   * Sends {@code raw} then {@link #HIDDEN} on one connection and asserts a single answer with
   * {@code status} and Connection: close, after which the agent closes without answering HIDDEN.
   */
  public static void answeredOnceThenClosed(int port, String raw, int status) {
    try (RawHttp http = new RawHttp(port)) {
      RawHttp.Response r = http.send(raw + HIDDEN).read();
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(http.closedByServer()).as("the request behind it is not answered").isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * POSTs a chunked body of 1.25 MiB (past the 1 MiB cap) to {@code target}, then {@link #HIDDEN},
   * and asserts a 413 after which the connection is closed.
   */
  public static void chunkedPastTheCapGets413(int port, String target) {
    String chunk = Integer.toHexString(64 << 10) + "\r\n" + "c".repeat(64 << 10) + "\r\n";
    try (RawHttp http = new RawHttp(port)) {
      http.send("POST " + target + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      try {
        for (int i = 0; i < 20; i++) {
          http.send(chunk);
        }
        http.send("0\r\n\r\n" + HIDDEN);
      } catch (IOException closedWhileSending) {
        // expected once the agent has answered and closed
      }
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(http.closedByServer()).isTrue();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens {@code n} connections that send nothing. */
  public static List<RawHttp> silent(int port, int n) {
    List<RawHttp> out = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        out.add(new RawHttp(port));
      }
    } catch (IOException e) {
      closeAll(out);
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Closes every socket, ignoring failures. */
  public static void closeAll(List<RawHttp> sockets) {
    for (RawHttp s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
