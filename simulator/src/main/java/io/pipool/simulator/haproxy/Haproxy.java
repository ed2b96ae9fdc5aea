package io.pipool.simulator.haproxy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real HAProxy process on loopback in front of the simulated nodes: its configuration is the
 * operator's published backend behind one frontend, and its stats socket lives in a temp folder.
 * Closing it stops the process.
 */
public final class Haproxy implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final Process process;
  private final Path socket;
  private final int port;
  private final Path log;

  private Haproxy(Process process, Path socket, int port, Path log) {
    this.process = process;
    this.socket = socket;
    this.port = port;
    this.log = log;
  }

  /** The haproxy binary on PATH, if any. */
  public static Optional<Path> binary() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, "haproxy");
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** The whole configuration: global and defaults, a frontend on loopback, the backend given. */
  public static String config(
      Path socket, int port, int maxConnections, String backend, String name) {
    return String.join(
            "\n",
            "global",
            "    stats socket " + socket + " mode 600 level admin",
            "    maxconn " + (maxConnections + 100),
            "defaults",
            "    mode http",
            "    timeout connect 2s",
            "    timeout client 30s",
            "    timeout server 30s",
            "    timeout http-keep-alive 60s",
            "    timeout check 2s",
            "frontend pipool_demo",
            "    bind 127.0.0.1:" + port,
            "    maxconn " + (maxConnections + 50),
            "    default_backend " + name,
            "")
        + backend;
  }

  /**
   * Starts HAProxy with {@code backend} (the operator's haproxy.cfg) in {@code dir}, listening on
   * 127.0.0.1:{@code port}; returns once its stats socket answers.
   */
  public static Haproxy start(
      Path binary, Path dir, int port, int maxConnections, String backend, String backendName)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path socket = dir.resolve("stats.sock");
    Path cfg = dir.resolve("haproxy.cfg");
    Path log = dir.resolve("haproxy.log");
    Files.writeString(cfg, config(socket, port, maxConnections, backend, backendName));
    Process p =
        new ProcessBuilder(binary.toString(), "-db", "-f", cfg.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Haproxy h = new Haproxy(p, socket, port, log);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      if (!p.isAlive()) {
        throw new IOException(
            "haproxy exited with " + p.exitValue() + ": " + Files.readString(log).strip());
      }
      try {
        h.command("show info");
        if (listening(port)) {
          return h;
        }
      } catch (IOException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        h.close();
        throw new IOException("haproxy did not answer on " + socket + " within " + START_TIMEOUT);
      }
      Thread.sleep(50);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends one command to the stats socket and returns the whole answer. */
  public String command(String command) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      StringBuilder out = new StringBuilder();
      ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
      while (ch.read(buf) >= 0) {
        buf.flip();
        out.append(StandardCharsets.US_ASCII.decode(buf));
        buf.clear();
      }
      return out.toString();
    }
  }

  /** {@code show servers state} of one backend, parsed. */
  public ServersState serversState(String backend) {
    try {
      return ServersState.parse(command("show servers state " + backend));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code show stat}, parsed. */
  public Stats stats() {
    try {
      return Stats.parse(command("show stat"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The frontend's port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** HAProxy's own output. */
  public Path log() {
    return log;
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
