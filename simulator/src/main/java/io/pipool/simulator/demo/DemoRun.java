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
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The demo's story: cluster and operator up, pool applied, load and heat, summary. */
final class DemoRun {

  // a JVM per agent starts slower on a small machine: a few seconds of CPU each
  private static final Duration READY_TIMEOUT_PER_AGENT_PROCESS = Duration.ofSeconds(10);
  // a real node starts its agent pod (init container, then the agent's JVM) and, at the end, a
  // restore Job's pod through containerd
  private static final Duration REAL_NODE_EXTRA = Duration.ofSeconds(90);
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
      if (o.operator() == DemoOptions.Operator.EXTERNAL) {
        out.println(externalOperator(sim));
        int code = story(sim);
        out.print(OperatorEvents.render(sim.client(), NS));
        return code;
      }
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

  /**
   * Writes the kubeconfig an operator run by the user connects with (the embedded API server's own
   * address, not kubectl's front) and says how to run it.
   */
  private String externalOperator(Simulator sim) {
    if (sim.api() == null) {
      return "the operator is yours to run, against "
          + o.kubeconfig()
          + "; waiting up to "
          + o.operatorWait().toSeconds()
          + " s for it to make the agents ready";
    }
    Path file =
        o.operatorKubeconfig() != null
            ? o.operatorKubeconfig()
            : sim.workDir().resolve("operator.kubeconfig");
    // whole or not at all: a script (bin/aot-workload) starts the operator once the file is there
    Path partial = sim.api().writeKubeconfig(file.resolveSibling(file.getFileName() + ".partial"));
    try {
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return "the operator is yours to run: KUBECONFIG="
        + file
        + " "
        + OperatorConfig.SERVER_SIDE_APPLY
        + "=false "
        + OperatorConfig.LEADER_ELECTION
        + "=false "
        + OperatorConfig.HTTP_PORT
        + "=18090 (the embedded stand-in has neither server-side apply nor a need for a"
        + " lease, and the pool's servers take 8080 on this loopback); waiting up to "
        + o.operatorWait().toSeconds()
        + " s for it to make the agents ready";
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
    if (o.realNode() != null) {
      // the simulated Pis say arm64, a real node here amd64: select on what both carry (the
      // demo's control plane has no other nodes)
      pool.getSpec().setNodeSelector(Map.of("kubernetes.io/os", "linux"));
      pool.getSpec().getAutoscaling().setMaxReplicas(o.nodes() + 1);
      var values = pool.getSpec().getSysctls().getValues();
      if (!values.isEmpty()) {
        // the real node lives in a network namespace: a sysctl that is not one of a namespace's
        // (net.core.netdev_max_backlog) does not exist there, and the init container would fail
        out.println(
            "without the pool's extra sysctls "
                + values.keySet()
                + " (the real node is a network namespace of this machine; its profile stays)");
        values.clear();
      }
      out.println(
          "the pool takes in the real node "
              + o.realNode()
              + " too: its agent pod runs from the agent image on a real kubelet");
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
          "the agents did not all become ready within "
              + readyTimeout().toSeconds()
              + " s"
              + (o.operator() == DemoOptions.Operator.EXTERNAL
                  ? " (is your operator running, with that kubeconfig? --operator-wait waits"
                      + " longer)"
                  : ""));
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
          heated = busiest(perNode.get(), sim);
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
          && p.getStatus().getNodes().size() == o.nodes() + (o.realNode() == null ? 0 : 1)
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
    Duration wait = o.operatorWait();
    Duration base = o.realNode() == null ? wait : wait.plus(REAL_NODE_EXTRA);
    return o.agentJar() == null
        ? base
        : base.plus(READY_TIMEOUT_PER_AGENT_PROCESS.multipliedBy(o.nodes()));
  }

  /**
   * The simulated node carrying the most traffic, or null while none carries any (then the caller
   * asks again on its next round): heating a node out of rotation would show nothing, and a real
   * node's air is not the simulator's to heat.
   */
  private static String busiest(Map<String, Integer> perNode, Simulator sim) {
    return perNode.entrySet().stream()
        .filter(e -> sim.nodes().containsKey(e.getKey()))
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

  /** How the real node's restore Job ended, from its Events (the Job goes with the pool). */
  private String restoreJobOutcome(Simulator sim, String pool) {
    String job = pool + "-restore-" + o.realNode();
    return sim.client().v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> "Job".equals(e.getInvolvedObject().getKind()))
        .filter(e -> job.equals(e.getInvolvedObject().getName()))
        .map(io.fabric8.kubernetes.api.model.Event::getReason)
        .filter(r -> "Completed".equals(r) || "BackoffLimitExceeded".equals(r))
        .findFirst()
        .orElse("no outcome seen");
  }

  private String deletePool(Simulator sim, String name) throws InterruptedException {
    sim.client().resources(PiServerPool.class).inNamespace(NS).withName(name).delete();
    // a restore Job per node: on a real control plane its Job controller paces their creation
    Duration limit =
        Duration.ofSeconds(
                Math.max(30, o.operatorWait().toSeconds() / 2)
                    + (sim.api() == null ? o.nodes() : 0))
            .plus(o.realNode() == null ? Duration.ZERO : REAL_NODE_EXTRA);
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
        String simulated =
            "original sysctls restored on " + restored + " of " + o.nodes() + " simulated nodes";
        return o.realNode() == null
            ? simulated
            : simulated + "; the real node's restore Job: " + restoreJobOutcome(sim, name);
      }
      Thread.sleep(250);
    }
    summary.problem("the pool was not deleted within " + limit.toSeconds() + " s (restore Jobs)");
    return "not finished within " + limit.toSeconds() + " s";
  }
}
