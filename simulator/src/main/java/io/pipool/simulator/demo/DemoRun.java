package io.pipool.simulator.demo;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.haproxy.HaproxyFront;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.load.LoadProfile;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.SimNode;
import io.pipool.simulator.thermal.ThermalProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The demo's story: cluster and operator up, pool applied, load and heat, summary. */
final class DemoRun {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  // a JVM per agent starts slower on a small machine: a few seconds of CPU each
  private static final Duration READY_TIMEOUT_PER_AGENT_PROCESS = Duration.ofSeconds(10);
  private static final String NS = "default";

  private final DemoOptions o;
  private final PrintStream out;
  private final Clock clock = Clock.systemUTC();
  private final Summary summary = new Summary();
  private final Map<String, NodeStatus.Phase> lastPhase = new HashMap<>();
  private final ThermalTally tally = new ThermalTally();
  private double drainCelsius = 75;

  DemoRun(DemoOptions options, PrintStream out) {
    this.o = options;
    this.out = out;
  }

  int run() throws InterruptedException {
    out.println("starting " + o.nodes() + " simulated Pi nodes and the operator ...");
    SimulatorConfig config =
        new SimulatorConfig(
            o.nodes(),
            o.speed(),
            ThermalProfile.DEFAULT_FULL_LOAD_RPS,
            o.kubeconfig(),
            o.agentJar(),
            null,
            o.netns());
    try (Simulator sim = Simulator.start(config, clock)) {
      Path kubeconfig =
          sim.kubeconfigForKubectl(
              o.kubeconfigOut() != null
                  ? o.kubeconfigOut()
                  : sim.workDir().resolve("kubectl.kubeconfig"));
      out.println("watch it: kubectl --kubeconfig " + kubeconfig + " get pisp -w");
      KubernetesClient operatorClient = sim.newClient("pi-pool-operator");
      PiPoolOperator operator =
          PiPoolOperator.start(
              operatorClient,
              OperatorConfig.fromEnv(
                  Map.of(
                      OperatorConfig.LEADER_ELECTION, "false",
                      OperatorConfig.HTTP_PORT, "-1",
                      // the embedded stand-in does not implement server-side apply
                      OperatorConfig.SERVER_SIDE_APPLY, String.valueOf(!config.embeddedApiServer()),
                      OperatorConfig.RESTORE_CHECK_SECONDS, "1")),
              clock);
      try {
        return story(sim);
      } finally {
        operator.stop();
        operatorClient.close();
      }
    }
  }

  private int story(Simulator sim) throws InterruptedException {
    KubernetesClient client = sim.client();
    PiServerPool pool;
    try {
      pool = PoolTuning.read(o.pool());
    } catch (IllegalArgumentException e) {
      out.println(e.getMessage());
      return 2;
    }
    List<String> addresses = sim.nodes().values().stream().map(SimNode::address).toList();
    int port = pool.getSpec().getServer().getPort();
    int admin = pool.getSpec().getServer().getAdminPort();
    // a network namespace of the simulator's own is empty: only loopback addresses are shared
    boolean shared = sim.network() == null;
    if (shared
        && (!FreePorts.freeEverywhere(addresses, port)
            || !FreePorts.freeEverywhere(addresses, admin))) {
      List<Integer> free = FreePorts.pick(addresses, 2);
      out.printf(
          "ports %d/%d are taken here; the pool uses %d/%d%n",
          port, admin, free.get(0), free.get(1));
      port = free.get(0);
      admin = free.get(1);
    }
    int window = o.scaleDownWindowSeconds();
    DemoOptions.Front front = Fronting.resolve(o.front());
    // HAProxy pools its connections to the nodes, so the agents count far fewer connections than
    // the clients hold and the pool would not scale up on them: keep all but one node serving,
    // so the weights have somewhere to steer load and a standby node can replace a drained one.
    int min = front == DemoOptions.Front.BUILTIN ? 1 : Math.max(1, o.nodes() - 1);
    new PoolTuning(port, admin, o.pollSeconds(), o.target(), window, min, o.nodes()).apply(pool);
    if (front == DemoOptions.Front.HAPROXY) {
      int agentCheck =
          pool.getSpec().getServer().getAgentCheckPort() == null
              ? 9101
              : pool.getSpec().getServer().getAgentCheckPort();
      if (!FreePorts.freeEverywhere(addresses, agentCheck)) {
        agentCheck = FreePorts.pick(addresses, 1).get(0);
      }
      pool.getSpec().getServer().setAgentCheckPort(agentCheck);
    } else {
      pool.getSpec().getServer().setAgentCheckPort(null);
    }
    pool.getMetadata().setNamespace(NS);
    client.resource(pool).create();
    String name = pool.getMetadata().getName();
    out.println("applied " + o.pool() + " as " + NS + "/" + name + "; waiting for the agents ...");
    if (sim.network() != null) {
      out.println(
          "nodes in network namespace "
              + sim.network().namespace()
              + " ("
              + sim.network().subnet()
              + (o.agentJar() == null
                  ? "); the agents run inside it in one JVM of their own"
                  : "); each agent runs inside it as a JVM of its own"));
    }
    if (!waitReady(sim, name)) {
      out.println(
          "the agents did not all become ready within " + readyTimeout().toSeconds() + " s");
      return 1;
    }
    drainCelsius = pool.getSpec().getThermal().getDrainCelsius();
    LoadProfile profile = o.loadProfile();
    boolean ansi = !o.plain() && System.console() != null;
    long start = System.nanoTime();
    Supplier<Duration> clockElapsed = () -> Duration.ofNanos(System.nanoTime() - start);
    try (Fronting fronting = Fronting.open(sim, front, name, o.nodes(), NS, clockElapsed, out);
        LoadGenerator load =
            new LoadGenerator(
                sim.vertx(),
                new LoadGenerator.Settings(DemoOptions.MAX_PEAK, 1000, 60),
                sim.meter(),
                fronting.endpoints())) {
      Supplier<Map<String, Integer>> perNode =
          fronting.haproxy() != null ? fronting.haproxy()::perNode : () -> load.stats().perNode();
      String heated = null;
      long lastRequests = 0;
      Duration elapsed = Duration.ZERO;
      while (elapsed.compareTo(o.duration()) < 0) {
        elapsed = clockElapsed.get();
        load.target(profile.connectionsAt(elapsed));
        if (heated == null && elapsed.compareTo(o.heatAt()) >= 0) {
          heated = busiest(perNode.get());
          if (heated != null) {
            sim.thermal().model(heated).setExtraAmbient(30);
          }
        }
        if (heated != null && elapsed.compareTo(o.coolAt()) >= 0) {
          sim.thermal().model(heated).setExtraAmbient(0);
        }
        var stats = load.stats();
        summary.connections(stats.open());
        PiServerPool now =
            client.resources(PiServerPool.class).inNamespace(NS).withName(name).get();
        List<String> endpoints = sim.api() == null ? ServiceEndpoints.of(client, NS, name) : null;
        if (endpoints != null) {
          summary.endpoints(elapsed, endpoints, serving(now));
        }
        Frame frame =
            frame(
                sim,
                now,
                endpoints == null ? null : endpoints.size(),
                load,
                perNode.get(),
                elapsed,
                stats.requests() - lastRequests,
                story(elapsed, heated),
                name);
        lastRequests = stats.requests();
        track(now, elapsed, stats.open(), fronting.haproxy());
        tally.second(sim, heated, drainCelsius);
        out.print(ansi ? LiveView.screen(frame, true) : LiveView.line(frame) + "\n");
        out.flush();
        Thread.sleep(1000);
      }
      load.target(0);
      var stats = load.stats();
      String restore = deletePool(sim, name);
      out.print(summary.render(stats.errors(), stats.shed(), restore));
      out.print(tally.render(heated, drainCelsius, front, summary.drains().size(), stats.shed()));
      if (fronting.haproxy() != null) {
        out.print(fronting.haproxy().report(heated));
      }
      return summary.problems().isEmpty() ? 0 : 1;
    }
  }

  private boolean waitReady(Simulator sim, String name) throws InterruptedException {
    long deadline = System.nanoTime() + readyTimeout().toNanos();
    while (System.nanoTime() < deadline) {
      PiServerPool p =
          sim.client().resources(PiServerPool.class).inNamespace(NS).withName(name).get();
      if (p != null
          && p.getStatus() != null
          && p.getStatus().getNodes().size() == o.nodes()
          && p.getStatus().getNodes().stream()
              .allMatch(
                  n ->
                      n.getPhase() == NodeStatus.Phase.Serving
                          || n.getPhase() == NodeStatus.Phase.Standby)) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  private Duration readyTimeout() {
    return o.agentJar() == null
        ? READY_TIMEOUT
        : READY_TIMEOUT.plus(READY_TIMEOUT_PER_AGENT_PROCESS.multipliedBy(o.nodes()));
  }

  /**
   * The node carrying the most traffic, or null while none carries any (then the caller asks again
   * on its next round): heating a node out of rotation would show nothing.
   */
  private static String busiest(Map<String, Integer> perNode) {
    return perNode.entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue() > 0)
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  private String story(Duration t, String heated) {
    if (heated != null && t.compareTo(o.coolAt()) < 0) {
      return "hot air around " + heated + " (+30 °C): it heats up until the operator drains it";
    }
    if (heated != null) {
      return "load falls; the air around "
          + heated
          + " cools; the pool scales down after its window";
    }
    return "load ramps up through the thousands of connections";
  }

  private Frame frame(
      Simulator sim,
      PiServerPool pool,
      Integer endpoints,
      LoadGenerator load,
      Map<String, Integer> perNode,
      Duration t,
      long requests,
      String story,
      String name) {
    Map<String, NodeStatus> status = new HashMap<>();
    if (pool != null && pool.getStatus() != null) {
      pool.getStatus().getNodes().forEach(n -> status.put(n.getName(), n));
    }
    var stats = load.stats();
    List<Frame.Row> rows = new ArrayList<>();
    for (SimNode n : sim.nodes().values()) {
      NodeStatus s = status.get(n.name());
      rows.add(
          new Frame.Row(
              n.name(),
              n.address(),
              sim.thermal().model(n.name()).profile().label()
                  + (sim.thermal().model(n.name()).extraAmbient() > 0 ? "!" : ""),
              s == null || s.getPhase() == null ? "-" : s.getPhase().name(),
              perNode.getOrDefault(n.name(), 0),
              sim.thermal().requestsPerSecond(n.name()),
              sim.thermal().model(n.name()).celsius(),
              s == null || s.getSysctls() == null ? "-" : s.getSysctls().name()));
    }
    return new Frame(
        t,
        rows,
        pool == null || pool.getStatus() == null ? null : pool.getStatus().getDesiredReplicas(),
        serving(pool),
        endpoints,
        o.target(),
        load.target(),
        stats.open(),
        requests,
        stats.shed(),
        stats.errors(),
        latestEvent(sim.client(), name),
        story);
  }

  private static Integer serving(PiServerPool pool) {
    return pool == null || pool.getStatus() == null ? null : pool.getStatus().getReplicas();
  }

  private void track(PiServerPool pool, Duration t, int open, HaproxyFront haproxy) {
    if (pool == null || pool.getStatus() == null) {
      return;
    }
    summary.desired(t, pool.getStatus().getDesiredReplicas(), open);
    for (NodeStatus n : pool.getStatus().getNodes()) {
      NodeStatus.Phase before = lastPhase.put(n.getName(), n.getPhase());
      boolean hotNow =
          n.getPhase() == NodeStatus.Phase.Hot || n.getPhase() == NodeStatus.Phase.Draining;
      boolean hotBefore = before == NodeStatus.Phase.Hot || before == NodeStatus.Phase.Draining;
      if (hotNow && !hotBefore) {
        summary.drained(
            t, n.getName(), n.getTemperatureCelsius() == null ? 0 : n.getTemperatureCelsius());
        if (haproxy != null) {
          haproxy.drained(n.getName(), t);
        }
      }
      if (n.getPhase() == NodeStatus.Phase.Unreachable
          && before != NodeStatus.Phase.Unreachable
          && before != null) {
        summary.problem("t=" + t.toSeconds() + "s " + n.getName() + " became unreachable");
      }
    }
  }

  private static String latestEvent(KubernetesClient client, String pool) {
    try {
      return client.events().v1().events().inNamespace(NS).list().getItems().stream()
          .filter(e -> e.getRegarding() != null && pool.equals(e.getRegarding().getName()))
          .max(Comparator.comparing(DemoRun::when))
          .map(e -> e.getReason() + ": " + e.getNote())
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String when(Event e) {
    if (e.getSeries() != null && e.getSeries().getLastObservedTime() != null) {
      return e.getSeries().getLastObservedTime().getTime();
    }
    return e.getEventTime() != null ? e.getEventTime().getTime() : "";
  }

  private String deletePool(Simulator sim, String name) throws InterruptedException {
    sim.client().resources(PiServerPool.class).inNamespace(NS).withName(name).delete();
    // a restore Job per node: on a real control plane its Job controller paces their creation
    Duration limit = Duration.ofSeconds(30 + (sim.api() == null ? o.nodes() : 0));
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (sim.client().resources(PiServerPool.class).inNamespace(NS).withName(name).get() == null) {
        long restored =
            sim.nodes().values().stream()
                .filter(
                    n ->
                        NodeFiles.PI_OS_DEFAULTS
                            .get("net.ipv4.ip_local_port_range")
                            .replace('\t', ' ')
                            .equals(NodeFiles.readSysctl(n, "net.ipv4.ip_local_port_range")))
                .count();
        return "original sysctls restored on " + restored + " of " + o.nodes() + " nodes";
      }
      Thread.sleep(250);
    }
    summary.problem("the pool was not deleted within " + limit.toSeconds() + " s (restore Jobs)");
    return "not finished within " + limit.toSeconds() + " s";
  }
}
