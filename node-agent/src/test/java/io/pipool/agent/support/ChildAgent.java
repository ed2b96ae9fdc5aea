package io.pipool.agent.support;

import static org.awaitility.Awaitility.await;

import io.pipool.agent.cli.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The agent as {@code serve} runs it, in a child JVM under a small open-file limit ({@code
 * prlimit}, as the pod's) and the pod's heap, on loopback, with fake procfs and sysfs folders: for
 * the cases where a process-wide limit is the point. The machine's own limits are never changed.
 */
public final class ChildAgent implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int trafficPort;
  private final int adminPort;

  private ChildAgent(Process process, Path log, int trafficPort, int adminPort) {
    this.process = process;
    this.log = log;
    this.trafficPort = trafficPort;
    this.adminPort = adminPort;
  }

  /**
   * Starts {@code serve} with {@code configYaml} under {@code openFiles} descriptors, one event
   * loop, and {@code env} over the defaults; returns once {@code /healthz} answers 200 and the
   * traffic port answers HTTP (30 s at most).
   */
  public static ChildAgent start(
      Path dir, String configYaml, int openFiles, Map<String, String> env) throws IOException {
    int traffic = freePort();
    int admin = freePort();
    Path config = dir.resolve("agent.yaml");
    TestAgents.write(config, configYaml);
    ProcessBuilder pb =
        new ProcessBuilder(
            List.of(
                "prlimit",
                "--nofile=" + openFiles + ":" + openFiles,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--config",
                config.toString()));
    Map<String, String> all = new HashMap<>();
    all.put("PIPOOL_SERVER_HOST", "127.0.0.1");
    all.put("PIPOOL_SERVER_ADMINHOST", "127.0.0.1");
    all.put("PIPOOL_SERVER_PORT", Integer.toString(traffic));
    all.put("PIPOOL_SERVER_ADMINPORT", Integer.toString(admin));
    all.put("PIPOOL_SERVER_EVENTLOOPS", "1");
    all.put("PIPOOL_SERVING_WATCHPOD", "false");
    all.put("PIPOOL_SYSCTLS_PROCROOT", dir.resolve("proc").toString());
    all.put("PIPOOL_SYSCTLS_STATEFILE", dir.resolve("state.json").toString());
    all.put("PIPOOL_THERMAL_SYSFSROOT", dir.resolve("sys").toString());
    all.putAll(env);
    pb.environment().putAll(all);
    Path log = dir.resolve("agent.log");
    Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ChildAgent child = new ChildAgent(p, log, traffic, admin);
    try {
      await("the child agent up; see " + log)
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> !p.isAlive() || (status(admin, "/healthz") == 200 && status(traffic, "/") > 0));
    } catch (RuntimeException notUp) {
      child.close();
      throw notUp;
    }
    if (!p.isAlive()) {
      throw new AssertionError("the child agent exited with " + p.exitValue() + "; see " + log);
    }
    return child;
  }

  /** The status a fresh GET of {@code path} gets, or 0 when nothing answered within 1 s. */
  private static int status(int port, String path) {
    try (RawHttp http = new RawHttp(port, Duration.ofSeconds(1))) {
      return http.get(path).read().status();
    } catch (IOException notYet) {
      return 0;
    }
  }

  /** A port free on loopback now. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  public int trafficPort() {
    return trafficPort;
  }

  public int adminPort() {
    return adminPort;
  }

  public long pid() {
    return process.pid();
  }

  /** The child's own output: its log lines. */
  public Path log() {
    return log;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
