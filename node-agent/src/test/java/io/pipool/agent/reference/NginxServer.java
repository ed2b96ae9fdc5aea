package io.pipool.agent.reference;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx on loopback, started for the reference run: a minimal configuration under a temp
 * folder with a static server and a reverse proxy to a {@link RecordingUpstream}, each on an
 * HTTP/1.1 port and a prior-knowledge h2c port (nginx offers no h2c upgrade). Settings are nginx's
 * defaults except where a reverse proxy in front of the internet sets them ({@code X-Forwarded-*},
 * {@code Forwarded}).
 */
final class NginxServer implements AutoCloseable {

  /** Where Debian's nginx-light puts the binary (CI installs it in .ci/run). */
  static final Path BINARY = Path.of("/usr/sbin/nginx");

  final int staticPort;
  final int staticH2Port;
  final int proxyPort;
  final int proxyH2Port;
  private final Path dir;
  private final Process process;

  private NginxServer(Path dir, int[] ports, Process process) {
    this.dir = dir;
    this.staticPort = ports[0];
    this.staticH2Port = ports[1];
    this.proxyPort = ports[2];
    this.proxyH2Port = ports[3];
    this.process = process;
  }

  /** Starts nginx serving {@code www} and proxying to {@code upstreamPort}; fails without it. */
  static NginxServer start(Path dir, Path www, int upstreamPort) throws IOException {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(
          BINARY
              + " is missing: the nginx reference run needs Debian's nginx-light"
              + " (apt-get install nginx-light; .ci/run installs it)");
    }
    int[] ports = {freePort(), freePort(), freePort(), freePort()};
    for (String temp : List.of("body", "proxy", "fastcgi", "uwsgi", "scgi")) {
      Files.createDirectories(dir.resolve(temp));
    }
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(conf, config(dir, www, ports, upstreamPort));
    List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-p", dir.toString()));
    cmd.addAll(List.of("-e", dir.resolve("error.log").toString(), "-c", conf.toString()));
    cmd.addAll(List.of("-g", "daemon off;"));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .start();
    NginxServer nginx = new NginxServer(dir, ports, p);
    nginx.awaitListening();
    return nginx;
  }

  private static String config(Path dir, Path www, int[] ports, int upstreamPort) {
    String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
    return user
        + "worker_processes 1;\n"
        + "pid "
        + dir.resolve("nginx.pid")
        + ";\n"
        + "events { worker_connections 2048; }\n"
        + "http {\n"
        + "  access_log off;\n"
        + "  error_log "
        + dir.resolve("error.log")
        + " info;\n"
        + "  client_body_temp_path "
        + dir.resolve("body")
        + ";\n  proxy_temp_path "
        + dir.resolve("proxy")
        + ";\n  fastcgi_temp_path "
        + dir.resolve("fastcgi")
        + ";\n  uwsgi_temp_path "
        + dir.resolve("uwsgi")
        + ";\n  scgi_temp_path "
        + dir.resolve("scgi")
        + ";\n"
        + "  server {\n"
        + "    listen 127.0.0.1:"
        + ports[0]
        + ";\n    listen 127.0.0.1:"
        + ports[1]
        + " http2;\n    root "
        + www
        + ";\n  }\n"
        + "  server {\n"
        + "    listen 127.0.0.1:"
        + ports[2]
        + ";\n    listen 127.0.0.1:"
        + ports[3]
        + " http2;\n"
        + "    location / {\n"
        + "      proxy_pass http://127.0.0.1:"
        + upstreamPort
        + ";\n"
        + "      proxy_http_version 1.1;\n"
        + "      proxy_set_header Connection \"\";\n"
        + "      proxy_set_header Host $host;\n"
        + "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
        + "      proxy_set_header X-Real-IP $remote_addr;\n"
        + "      proxy_set_header X-Forwarded-Proto $scheme;\n"
        + "      proxy_set_header X-Forwarded-Host $host;\n"
        + "      proxy_set_header Forwarded \"\";\n"
        + "      proxy_read_timeout 5s;\n"
        + "    }\n"
        + "  }\n"
        + "}\n";
  }

  private void awaitListening() throws IOException {
    Instant deadline = Instant.now().plusSeconds(10);
    for (int port : new int[] {staticPort, staticH2Port, proxyPort, proxyH2Port}) {
      while (true) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException notYet) {
          if (!process.isAlive() || Instant.now().isAfter(deadline)) {
            throw new AssertionError("nginx did not start: " + log(), notYet);
          }
          sleep(Duration.ofMillis(50));
        }
      }
    }
  }

  /** nginx's error log so far (and what it printed before it had one). */
  String log() {
    StringBuilder b = new StringBuilder();
    for (String name : List.of("stdout.log", "error.log")) {
      try {
        b.append(Files.readString(dir.resolve(name)));
      } catch (IOException absent) {
        // not written yet
      }
    }
    return b.toString();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** The worker process (worker_processes 1), which holds the connections. */
  long workerPid() {
    return process.toHandle().children().findFirst().map(ProcessHandle::pid).orElse(-1L);
  }

  @Override
  public void close() throws Exception {
    process.destroy(); // SIGTERM: nginx's fast shutdown
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
