package io.pipool.simulator.cluster;

import io.pipool.agent.config.ConfigLoader;
import io.pipool.api.agent.AgentConfig;
import io.pipool.simulator.node.SimNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs each agent as a separate {@code java -jar pi-pool-agent.jar serve} process, as on a real
 * node (a JVM each: use it for a handful of nodes). The process gets the mounted agent.yaml, the
 * container's environment with the node overrides, and a kubeconfig for the API server. With a
 * command prefix ({@code ip netns exec NS}) the process runs inside the nodes' network namespace.
 */
public final class ProcessAgents implements AgentLauncher {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  private final Path agentJar;
  private final Path kubeconfig;
  private final String javaBin;
  private final List<String> prefix;
  private final Set<Process> live = ConcurrentHashMap.newKeySet();
  // agents are separate processes: a JVM stopped by a signal must not leave them behind
  private final Thread hook = new Thread(this::killAll, "pi-pool-sim-agent-cleanup");

  /**
   * @param agentJar the shaded agent jar (node-agent/target/pi-pool-agent.jar)
   * @param kubeconfig a kubeconfig for the API server, so agents can watch their pods
   * @param javaHome the JDK to run them with
   */
  public ProcessAgents(Path agentJar, Path kubeconfig, Path javaHome) {
    this(agentJar, kubeconfig, javaHome, List.of());
  }

  /**
   * @param prefix a command the java command is appended to, e.g. {@code ip netns exec NS} (it must
   *     exec the program, so that stopping the process stops the agent)
   */
  public ProcessAgents(Path agentJar, Path kubeconfig, Path javaHome, List<String> prefix) {
    if (!Files.isRegularFile(agentJar)) {
      throw new IllegalArgumentException(
          "agent jar "
              + agentJar
              + " does not exist: build it with mvn -pl node-agent -am package -DskipTests");
    }
    this.agentJar = agentJar;
    this.kubeconfig = kubeconfig;
    this.javaBin = javaHome.resolve("bin/java").toString();
    this.prefix = List.copyOf(prefix);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public CompletableFuture<RunningAgent> start(
      SimNode node, String configYaml, Map<String, String> env) {
    return CompletableFuture.supplyAsync(() -> launch(node, configYaml, env));
  }

  private RunningAgent launch(SimNode node, String configYaml, Map<String, String> env) {
    try {
      Path config = node.work().resolve("agent.yaml");
      Files.writeString(config, configYaml);
      Path log = node.work().resolve("agent.log");
      List<String> command = new ArrayList<>(prefix);
      command.addAll(
          List.of(
              javaBin,
              "-Xmx96m",
              "-XX:+UseSerialGC",
              "-jar",
              agentJar.toString(),
              "serve",
              "--config",
              config.toString()));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      Process process = pb.start();
      live.add(process);
      process.onExit().thenRun(() -> live.remove(process));
      AgentConfig.Server server = ConfigLoader.parse(configYaml, "agent.yaml", env).server();
      String address = server.adminHost();
      int adminPort = server.adminPort();
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!listening(address, adminPort)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "agent on " + node.name() + " exited with " + process.exitValue() + "; see " + log);
        }
        if (System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("agent on " + node.name() + " did not start; see " + log);
        }
        Thread.sleep(100);
      }
      return handle(process, adminPort);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the agent of " + node.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Kills agents still running (the simulator is going away, perhaps on Ctrl-C). */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook kills them
    }
  }

  private void killAll() {
    for (Process p : List.copyOf(live)) {
      p.destroyForcibly();
    }
  }

  private static boolean listening(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static RunningAgent handle(Process process, int adminPort) {
    return RunningAgent.of(
        adminPort,
        () ->
            CompletableFuture.runAsync(
                () -> {
                  process.destroy(); // SIGTERM: the agent drains, then exits
                  try {
                    if (!process.waitFor(30, TimeUnit.SECONDS)) {
                      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }),
        process::isAlive);
  }
}
