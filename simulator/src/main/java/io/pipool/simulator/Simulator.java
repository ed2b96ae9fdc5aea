package io.pipool.simulator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pipool.simulator.cluster.AgentLauncher;
import io.pipool.simulator.cluster.ClusterCache;
import io.pipool.simulator.cluster.CommandFaults;
import io.pipool.simulator.cluster.ControlLoop;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import io.pipool.simulator.cluster.InProcessAgents;
import io.pipool.simulator.cluster.ProcessAgents;
import io.pipool.simulator.kubectl.KubectlGateway;
import io.pipool.simulator.load.LoadMeter;
import io.pipool.simulator.net.NamespacedAgents;
import io.pipool.simulator.net.NodeNetwork;
import io.pipool.simulator.node.NodeHeartbeat;
import io.pipool.simulator.node.SimNode;
import io.pipool.simulator.thermal.ThermalLoop;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated Raspberry Pi cluster on one machine: simulated nodes with their own addresses, fake
 * /proc/sys and thermal zones, a thermal model each, and a kubelet that runs the real node agent
 * for their pods. With the embedded API server it also plays the DaemonSet and Job controllers and
 * the garbage collector; against a real API server only the kubelet.
 */
public final class Simulator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);

  private final SimulatorConfig config;
  private final EmbeddedApiServer api;
  private final KubernetesClient client;
  private final Map<String, SimNode> nodes;
  private final Path workDir;
  private final boolean tempWorkDir;
  private final Vertx vertx;
  private final LoadMeter meter = new LoadMeter();
  private final CommandFaults faults = new CommandFaults();
  private final ThermalLoop thermal;
  private final AgentLauncher launcher;
  private final ClusterCache cache;
  private final ControlLoop control;
  private final NodeHeartbeat heartbeat;
  private final KubectlGateway kubectl;
  private final NodeNetwork network;
  private final Thread workDirCleanup;

  private Simulator(SimulatorConfig config, Clock clock, NodeNetwork network) throws IOException {
    this.config = config;
    this.network = network;
    this.tempWorkDir = config.workDir() == null;
    this.workDir =
        tempWorkDir
            ? Files.createTempDirectory("pi-pool-sim")
            : Files.createDirectories(config.workDir());
    // a JVM stopped by a signal (Ctrl-C on the demo) does not reach close()
    this.workDirCleanup =
        tempWorkDir ? new Thread(() -> deleteTree(workDir), "pi-pool-sim-workdir-cleanup") : null;
    if (workDirCleanup != null) {
      Runtime.getRuntime().addShutdownHook(workDirCleanup);
    }
    this.api = config.embeddedApiServer() ? EmbeddedApiServer.start() : null;
    this.client = newClient("pi-pool-simulator");
    this.nodes = new LinkedHashMap<>();
    for (int i = 1; i <= config.nodes(); i++) {
      String address = network != null ? network.nodeAddress(i) : SimNode.addressOf(i);
      SimNode n = new SimNode(i, "pi-" + i, address, workDir.resolve("pi-" + i));
      nodes.put(n.name(), n);
    }
    this.vertx =
        Vertx.vertx(
            new VertxOptions()
                .setPreferNativeTransport(true)
                .setBlockedThreadCheckInterval(10_000));
    try {
      // in a namespace, the agents' way to the API server is checked before any node registers
      this.launcher = launcher(clock);
    } catch (RuntimeException e) {
      vertx.close();
      client.close();
      throw e;
    }
    this.thermal = new ThermalLoop(List.copyOf(nodes.values()), meter, clock, config);
    NodeRegistration.register(client, nodes.values());
    this.heartbeat =
        config.embeddedApiServer()
            ? null
            : NodeHeartbeat.start(client, List.copyOf(nodes.values()), clock);
    this.cache = ClusterCache.start(client, config.embeddedApiServer(), () -> {});
    this.control =
        new ControlLoop(
            client, cache, nodes, launcher, vertx, clock, config.embeddedApiServer(), faults);
    thermal.start(control.executor());
    this.kubectl = api != null ? KubectlGateway.start(vertx, api, clock) : null;
  }

  /** Starts a simulated cluster. */
  public static Simulator start(SimulatorConfig config, Clock clock) {
    NodeNetwork network = config.netns() ? NodeNetwork.create(config.nodes()) : null;
    try {
      return new Simulator(config, clock, network);
    } catch (IOException e) {
      closeQuietly(network);
      throw new UncheckedIOException("cannot create the simulator's folders", e);
    } catch (RuntimeException e) {
      closeQuietly(network);
      throw e;
    }
  }

  private static void closeQuietly(NodeNetwork network) {
    if (network != null) {
      network.close();
    }
  }

  private AgentLauncher launcher(Clock clock) {
    if (network != null) {
      return NamespacedAgents.start(
          vertx, network, config.kubeconfig(), config.agentJar(), workDir, config.nodes());
    }
    return config.agentJar() == null
        ? new InProcessAgents(vertx, newClient("pi-pool-agent"), clock)
        : new ProcessAgents(
            config.agentJar(), kubeconfigForAgents(), Path.of(System.getProperty("java.home")));
  }

  /** A client of the cluster's API server whose requests carry {@code userAgent}. */
  public KubernetesClient newClient(String userAgent) {
    if (api != null) {
      return api.newClient(userAgent);
    }
    try {
      Config c =
          Config.fromKubeconfig(
              null, Files.readString(config.kubeconfig()), config.kubeconfig().toString());
      c.setUserAgent(userAgent);
      return new KubernetesClientBuilder().withConfig(c).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kubeconfig " + config.kubeconfig(), e);
    }
  }

  private Path kubeconfigForAgents() {
    return api != null ? api.writeKubeconfig(workDir.resolve("kubeconfig")) : config.kubeconfig();
  }

  /** The simulator's own client. */
  public KubernetesClient client() {
    return client;
  }

  /** The embedded API server, or null against a real one. */
  public EmbeddedApiServer api() {
    return api;
  }

  /**
   * Writes a kubeconfig kubectl can use into {@code file}: the kubectl front of the embedded API
   * server, or the real cluster's kubeconfig path as given.
   */
  public Path kubeconfigForKubectl(Path file) {
    return kubectl != null ? kubectl.writeKubeconfig(file) : config.kubeconfig();
  }

  /** The folder holding the nodes' files (temporary unless the config names one). */
  public Path workDir() {
    return workDir;
  }

  /** The simulated nodes by name, in rack order. */
  public Map<String, SimNode> nodes() {
    return nodes;
  }

  /** The shared Vert.x the agents and the load generator run on. */
  public Vertx vertx() {
    return vertx;
  }

  /** Request counts per node, fed by the load generator, read by the thermal loop. */
  public LoadMeter meter() {
    return meter;
  }

  /** The thermal models. */
  public ThermalLoop thermal() {
    return thermal;
  }

  /** The watch caches (pods, and more with the embedded API server). */
  public ClusterCache cache() {
    return cache;
  }

  /** The agents' one-shot commands to kill part-way (fault tests). */
  public CommandFaults commandFaults() {
    return faults;
  }

  /** The nodes' network namespace, or null when they live on loopback addresses. */
  public NodeNetwork network() {
    return network;
  }

  /** Agents running now. */
  public long runningAgents() {
    return control.runningAgents();
  }

  @Override
  public void close() {
    control.close();
    if (kubectl != null) {
      kubectl.close();
    }
    if (heartbeat != null) {
      heartbeat.close();
    }
    cache.close();
    launcher.close();
    client.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("vert.x did not close: {}", e.toString());
    }
    if (api != null) {
      api.close();
    }
    closeQuietly(network);
    if (tempWorkDir) {
      deleteTree(workDir);
      try {
        Runtime.getRuntime().removeShutdownHook(workDirCleanup);
      } catch (IllegalStateException e) {
        // already shutting down: the hook deletes it again, harmlessly
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }
}
