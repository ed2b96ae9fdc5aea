package io.pipool.simulator.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.simulator.node.SimNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the agents in one separate JVM ({@link AgentHost}), started through a command prefix such as
 * {@code ip netns exec NS}: real agents inside the nodes' network namespace at the cost of one JVM,
 * not one per node. The host is started on first use and again if it died.
 */
public final class HostedAgents implements AgentLauncher {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> prefix;
  private final Path kubeconfig;
  private final Path log;
  private final int nodes;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, CompletableFuture<AgentHost.Reply>> pending = new ConcurrentHashMap<>();
  // a JVM stopped by a signal must not leave the host behind
  private final Thread hook = new Thread(this::kill, "pi-pool-sim-agent-host-cleanup");
  private Process host;

  /**
   * @param prefix the command the java command is appended to (it must exec it)
   * @param kubeconfig the agents' kubeconfig (they watch their pods)
   * @param log where the host's output goes
   * @param nodes how many agents it will hold at most (sizes its heap)
   */
  public HostedAgents(List<String> prefix, Path kubeconfig, Path log, int nodes) {
    this.prefix = List.copyOf(prefix);
    this.kubeconfig = kubeconfig;
    this.log = log;
    this.nodes = nodes;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public CompletableFuture<RunningAgent> start(
      SimNode node, String configYaml, Map<String, String> env) {
    String id = Long.toString(ids.incrementAndGet());
    Process p;
    try {
      p = ensureHost();
    } catch (IOException e) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("cannot start the agent host: " + e.getMessage(), e));
    }
    return send(p, AgentHost.start(id, node, configYaml, env))
        .thenApply(
            r -> {
              if (r.error() != null) {
                throw new IllegalStateException("agent on " + node.name() + ": " + r.error());
              }
              return handle(p, id, r.adminPort());
            });
  }

  private synchronized Process ensureHost() throws IOException {
    if (host != null && host.isAlive()) {
      return host;
    }
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + (128 + 4 * nodes) + "m",
            "-Xss512k",
            "-XX:+UseSerialGC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp",
            System.getProperty("java.class.path"),
            AgentHost.class.getName(),
            kubeconfig.toString()));
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Thread reader = new Thread(() -> read(p), "pi-pool-sim-agent-host-reader");
    reader.setDaemon(true);
    reader.start();
    host = p;
    return p;
  }

  private void read(Process p) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        AgentHost.Reply r = JSON.readValue(line, AgentHost.Reply.class);
        CompletableFuture<AgentHost.Reply> f = pending.remove(r.id());
        if (f != null) {
          f.complete(r);
        }
      }
    } catch (IOException e) {
      // the host is gone: fail what waits for it below
    }
    IllegalStateException gone = new IllegalStateException("the agent host exited; see " + log);
    pending.values().forEach(f -> f.completeExceptionally(gone));
    pending.clear();
  }

  private CompletableFuture<AgentHost.Reply> send(Process p, AgentHost.Request request) {
    CompletableFuture<AgentHost.Reply> reply = new CompletableFuture<>();
    pending.put(request.id(), reply);
    try {
      byte[] line = (JSON.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8);
      synchronized (this) {
        OutputStream out = p.getOutputStream();
        out.write(line);
        out.flush();
      }
    } catch (IOException e) {
      pending.remove(request.id());
      reply.completeExceptionally(
          new IllegalStateException("the agent host does not listen: " + e.getMessage(), e));
    }
    return reply;
  }

  private RunningAgent handle(Process p, String id, int adminPort) {
    return RunningAgent.of(
        adminPort,
        () ->
            p.isAlive()
                ? send(p, AgentHost.stop(id)).orTimeout(30, TimeUnit.SECONDS).handle((r, e) -> null)
                : CompletableFuture.completedFuture(null),
        p::isAlive);
  }

  /** Ends the host: it stops its agents when its stdin closes; killed if it takes too long. */
  @Override
  public void close() {
    Process p;
    synchronized (this) {
      p = host;
    }
    if (p != null) {
      try {
        p.getOutputStream().close();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (IOException e) {
        p.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook kills it
    }
  }

  private void kill() {
    Process p = host;
    if (p != null) {
      p.destroyForcibly();
    }
  }
}
