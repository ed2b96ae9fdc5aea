package io.pipool.operator.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.pipool.api.agent.AgentStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Fake node agents answering GET /v1/status with scripted documents. Each node gets its own
 * loopback address (127.0.0.N) and all share one port, as real agents do on host network: the
 * operator reads the admin port from the pool's spec, so one port for every node is the real shape.
 */
public final class FakeAgents implements AutoCloseable {

  /** What one agent answers. */
  public sealed interface Script {}

  /** A valid status document. */
  public record Answer(AgentStatus status) implements Script {}

  /** An HTTP error. */
  public record Error(int code) implements Script {}

  /** Not JSON at all. */
  public record Garbage(String body) implements Script {}

  /** Answers only after this many milliseconds. */
  public record Slow(long millis, AgentStatus status) implements Script {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final int port;
  private final Map<String, String> ips = new LinkedHashMap<>();
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final Map<String, HttpServer> servers = new LinkedHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicInteger> hits =
      new ConcurrentHashMap<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();

  private FakeAgents(int port) {
    this.port = port;
  }

  /**
   * Starts agents for the nodes on addresses 127.0.0.{firstOctet}, {firstOctet+1}, ...
   *
   * @param firstOctet last octet of the first node's address (2..250), distinct per test
   */
  public static FakeAgents start(int firstOctet, String... nodes) {
    FakeAgents agents = new FakeAgents(freePort());
    int octet = firstOctet;
    for (String node : nodes) {
      agents.add(node, "127.0.0." + octet++);
    }
    return agents;
  }

  private void add(String node, String ip) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(ip, port), 16);
      server.setExecutor(executor);
      server.createContext(
          "/v1/status",
          ex -> {
            hits.computeIfAbsent(node, n -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet();
            Script script = scripts.getOrDefault(node, new Error(503));
            int code = 200;
            String body;
            if (script instanceof Answer a) {
              body = JSON.writeValueAsString(a.status());
            } else if (script instanceof Slow s) {
              sleep(s.millis());
              body = JSON.writeValueAsString(s.status());
            } else if (script instanceof Garbage g) {
              body = g.body();
            } else {
              code = ((Error) script).code();
              body = "{\"error\":\"scripted\"}";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            try {
              ex.sendResponseHeaders(code, bytes.length);
              try (OutputStream os = ex.getResponseBody()) {
                os.write(bytes);
              }
            } catch (IOException clientGone) {
              // the operator timed out and closed the connection: expected for Slow
            }
          });
      server.start();
      servers.put(node, server);
      ips.put(node, ip);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + ip + ":" + port, e);
    }
  }

  public int port() {
    return port;
  }

  public String ip(String node) {
    return ips.get(node);
  }

  /** How many times the node's agent was asked, over all nodes. */
  public int hits() {
    return hits.values().stream().mapToInt(java.util.concurrent.atomic.AtomicInteger::get).sum();
  }

  public void answer(String node, AgentStatus status) {
    scripts.put(node, new Answer(status));
  }

  public void script(String node, Script script) {
    scripts.put(node, script);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    try (ServerSocket socket =
        new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    servers.values().forEach(s -> s.stop(0));
    executor.shutdownNow();
  }
}
