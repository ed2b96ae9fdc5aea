package io.pipool.simulator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The operator's shaded jar run as its own process, so its memory can be measured alone. */
final class OperatorProcess implements AutoCloseable {

  private final Process process;
  private final int httpPort;

  private OperatorProcess(Process process, int httpPort) {
    this.process = process;
    this.httpPort = httpPort;
  }

  /**
   * Starts the operator against {@code kubeconfig} with the container's JVM flags and a heap sized
   * as in a 256 MiB container (MaxRAMPercentage=60 of 256 MiB is about 154 MiB).
   */
  static OperatorProcess start(
      Path jar, Path kubeconfig, int httpPort, boolean serverSideApply, Path log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC",
                    "-Xmx154m",
                    "-Xss512k",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-jar",
                    jar.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("PIPOOL_LEADER_ELECTION", "false");
    // the stand-in (Fabric8's mock) has no server-side apply; a real API server gets production's
    env.put("PIPOOL_SERVER_SIDE_APPLY", String.valueOf(serverSideApply));
    env.put("PIPOOL_HTTP_PORT", String.valueOf(httpPort));
    env.put("PIPOOL_RESTORE_CHECK_SECONDS", "1");
    return new OperatorProcess(pb.start(), httpPort);
  }

  /** The Prometheus text of the operator's /metrics. */
  String metrics() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** Peak resident set in MiB, from /proc (VmHWM). */
  double peakRssMiB() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }

  boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
