package io.pipool.agent.reference;

import io.pipool.agent.cli.Main;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent as {@code serve} runs it, in Static mode, in a child JVM under a small open-file limit
 * ({@code prlimit}, as the pod's) and the pod's heap: for the descriptor case, where the limit is
 * the point. The machine's own limits are never changed.
 */
final class ChildAgent implements AutoCloseable {

  /** The open-file limit of the case: four stalled h2 connections exhausted it. */
  static final int OPEN_FILES = 400;

  private final Process process;
  final int trafficPort;
  final int adminPort;

  private ChildAgent(Process process, int trafficPort, int adminPort) {
    this.process = process;
    this.trafficPort = trafficPort;
    this.adminPort = adminPort;
  }

  static ChildAgent start(Path dir, Path www) throws IOException {
    int traffic = NginxServer.freePort();
    int admin = NginxServer.freePort();
    Path config = dir.resolve("agent.yaml");
    TestAgents.write(config, "server:\n  mode: Static\n  staticDir: " + www + "\n");
    ProcessBuilder pb =
        new ProcessBuilder(
            "prlimit",
            "--nofile=" + OPEN_FILES + ":" + OPEN_FILES,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx96m",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            Main.class.getName(),
            "serve",
            "--config",
            config.toString());
    pb.environment()
        .putAll(
            Map.of(
                "PIPOOL_SERVER_HOST", "127.0.0.1",
                "PIPOOL_SERVER_ADMINHOST", "127.0.0.1",
                "PIPOOL_SERVER_PORT", Integer.toString(traffic),
                "PIPOOL_SERVER_ADMINPORT", Integer.toString(admin),
                "PIPOOL_SERVER_EVENTLOOPS", "1",
                "PIPOOL_SERVING_WATCHPOD", "false",
                "PIPOOL_SYSCTLS_PROCROOT", dir.resolve("proc").toString(),
                "PIPOOL_SYSCTLS_STATEFILE", dir.resolve("state.json").toString(),
                "PIPOOL_THERMAL_SYSFSROOT", dir.resolve("sys").toString()));
    Process p =
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    ChildAgent child = new ChildAgent(p, traffic, admin);
    Instant deadline = Instant.now().plusSeconds(30);
    while (!child.answers(admin, "/healthz") || !child.answers(traffic, "/")) {
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        child.close();
        throw new AssertionError("the child agent did not start; see " + dir.resolve("agent.log"));
      }
      NginxServer.sleep(Duration.ofMillis(100));
    }
    return child;
  }

  private boolean answers(int port, String path) {
    try (RawHttp http = new RawHttp(port, Duration.ofSeconds(1))) {
      return http.get(path).read().status() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
