package io.pipool.simulator.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.load.LoadProfile;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.thermal.ThermalProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The demo's story: cluster and operator up, pool applied, load and heat, summary. */
final class DemoRun {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  // a JVM per agent starts slower on a small machine: a few seconds of CPU each
  private static final Duration READY_TIMEOUT_PER_AGENT_PROCESS = Duration.ofSeconds(10);
  static final String NS = "default";

  /** Pause between a response and the next request on one of the load's connections. */
  static final long REQUEST_INTERVAL_MILLIS = 1000;

  private final DemoOptions o;
  private final PrintStream out;
  private final Clock clock = Clock.systemUTC();
  private final Summary summary = new Summary();
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
    DemoOptions.Front front = Fronting.resolve(o.front());
    DemoPool.tune(pool, o, front, sim, out);
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
    StoryWatch watch = new StoryWatch(sim, summary, DemoPool.targetText(o, front));
    boolean ansi = !o.plain() && System.console() != null;
    long start = System.nanoTime();
    Supplier<Duration> clockElapsed = () -> Duration.ofNanos(System.nanoTime() - start);
    try (Fronting fronting = Fronting.open(sim, front, name, o.nodes(), NS, clockElapsed, out);
        LoadGenerator load =
            new LoadGenerator(
                sim.vertx(),
                new LoadGenerator.Settings(DemoOptions.MAX_PEAK, REQUEST_INTERVAL_MILLIS, 60),
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
          summary.endpoints(elapsed, endpoints, StoryWatch.serving(now));
        }
        Frame frame =
            watch.frame(
                now,
                endpoints == null ? null : endpoints.size(),
                load,
                perNode.get(),
                elapsed,
                stats.requests() - lastRequests,
                story(elapsed, heated, front),
                name);
        lastRequests = stats.requests();
        watch.track(now, elapsed, stats.open(), fronting.haproxy());
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

  private String story(Duration t, String heated, DemoOptions.Front front) {
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
