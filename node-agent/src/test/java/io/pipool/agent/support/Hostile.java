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
        .atMost(Duration.ofSeconds(5))
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

  /** How many of {@code sockets} the server has closed (each checked for {@code wait}). */
  public static int closedCount(List<RawHttp> sockets, Duration wait) {
    int closed = 0;
    try {
      for (RawHttp s : sockets) {
        if (s.timeout(wait).closedByServer()) {
          closed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return closed;
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
