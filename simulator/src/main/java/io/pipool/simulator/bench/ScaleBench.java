package io.pipool.simulator.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.poll.AgentPoller;
import io.pipool.operator.poll.PollTarget;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.load.Balancer;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.SimNode;
import io.pipool.simulator.thermal.ThermalProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * The operator at scale: one pool over N simulated nodes, the operator as its own process. Measures
 * apply-to-ready, load-step-to-serving-change, one poll round, reconcile p50/p99, steady-state API
 * writes and the operator's peak RSS. Run by bench/operator-scale.sh.
 */
public final class ScaleBench {

  private static final String NS = "default";
  private static final String OPERATOR_CLIENT = "fabric8-kubernetes-client";
  private static final int TARGET = 50;

  private ScaleBench() {}

  /**
   * {@code --nodes N --operator-jar FILE [--poll S] [--steady S] [--out FILE] [--kubeconfig FILE
   * --audit-log FILE]}: on the embedded stand-in, or with a kubeconfig on a real API server whose
   * audit log counts the operator's writes.
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    Map<String, String> a = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    int nodes = Integer.parseInt(a.getOrDefault("--nodes", "10"));
    int poll = Integer.parseInt(a.getOrDefault("--poll", "5"));
    int steady = Integer.parseInt(a.getOrDefault("--steady", "60"));
    Path jar = Path.of(a.getOrDefault("--operator-jar", "operator/target/pi-pool-operator.jar"));
    Path kubeconfig = a.containsKey("--kubeconfig") ? Path.of(a.get("--kubeconfig")) : null;
    Path audit = a.containsKey("--audit-log") ? Path.of(a.get("--audit-log")) : null;
    if (kubeconfig != null && audit == null) {
      throw new IllegalArgumentException("--kubeconfig needs --audit-log (to count the writes)");
    }
    BenchResult r = run(nodes, poll, steady, jar, kubeconfig, audit);
    System.out.println(r);
    System.out.println(r.row());
    if (a.containsKey("--out")) {
      Files.writeString(
          Path.of(a.get("--out")),
          r.row() + "\n<!-- writes " + nodes + " nodes: " + r.writesByResource() + " -->\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
    System.exit(0);
  }

  static BenchResult run(
      int nodes, int poll, int steady, Path jar, Path realKubeconfig, Path auditLog)
      throws Exception {
    SimulatorConfig config =
        new SimulatorConfig(
            nodes, 1, ThermalProfile.DEFAULT_FULL_LOAD_RPS, realKubeconfig, null, null);
    try (Simulator sim = Simulator.start(config, Clock.systemUTC())) {
      boolean real = sim.api() == null;
      Path kubeconfig =
          real
              ? realKubeconfig
              : sim.api().writeKubeconfig(Files.createTempFile("pi-pool-bench", ".kubeconfig"));
      List<String> addresses = sim.nodes().values().stream().map(SimNode::address).toList();
      List<Integer> ports = FreePorts.pick(addresses, 2);
      int metricsPort = FreePorts.pick(List.of("127.0.0.1"), 1).get(0);
      Path log = Files.createTempFile("pi-pool-bench-operator", ".log");
      try (OperatorProcess operator =
          OperatorProcess.start(jar, kubeconfig, metricsPort, real, log)) {
        PiServerPool pool =
            new PoolTuning(ports.get(0), ports.get(1), poll, TARGET, 30, 1, nodes)
                .apply(PoolTuning.read(Path.of("manifests/examples/web-pool.yaml")));
        pool.getMetadata().setNamespace(NS);
        long t0 = System.nanoTime();
        sim.client().resource(pool).create();
        await(
            Duration.ofSeconds(600),
            "all agents ready and labelled",
            () -> ready(sim, nodes),
            operator);
        double ready = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d nodes: ready and labelled after %.1f s%n", nodes, ready);

        try (Balancer balancer = new Balancer(sim.vertx(), sim.cache()::pods, "web", 500);
            LoadGenerator load =
                new LoadGenerator(
                    sim.vertx(),
                    new LoadGenerator.Settings(1000, 1000, 100),
                    sim.meter(),
                    balancer::endpoints)) {
          load.target(TARGET / 2);
          await(
              Duration.ofSeconds(120),
              "one node serving the base load",
              () -> load.stats().open() == TARGET / 2 && serving(sim) == 1,
              operator);
          Thread.sleep(2000L * poll); // two quiet polls before the step
          long t1 = System.nanoTime();
          load.target(TARGET * 5 / 2);
          await(
              Duration.ofSeconds(120),
              "the serving set to grow",
              () -> serving(sim) >= 3,
              operator);
          double step = (System.nanoTime() - t1) / 1e9;
          System.out.printf("load step -> serving-set change: %.1f s%n", step);

          List<Double> rounds = pollRounds(sim, ports.get(1), 5);
          Thread.sleep(2000L * poll); // let the step settle before counting writes
          Map<String, Long> diff =
              real ? steadyWritesFromAudit(auditLog, steady) : steadyWritesOnStandIn(sim, steady);
          long total = diff.values().stream().mapToLong(Long::longValue).sum();
          long status =
              diff.entrySet().stream()
                  .filter(e -> e.getKey().endsWith("piserverpools/status"))
                  .mapToLong(Map.Entry::getValue)
                  .sum();
          String metrics = operator.metrics();
          Collections.sort(rounds);
          return new BenchResult(
              real ? "real v1.20.2" : "stand-in",
              nodes,
              poll,
              ready,
              step,
              step / poll,
              rounds.get(rounds.size() / 2),
              rounds.get(rounds.size() - 1),
              1000
                  * Histograms.quantileUpperBound(
                      metrics, "pipool_operator_reconcile_duration_seconds", 0.5),
              1000
                  * Histograms.quantileUpperBound(
                      metrics, "pipool_operator_reconcile_duration_seconds", 0.99),
              total * 60.0 / steady,
              status / (steady / (double) poll),
              diff,
              operator.peakRssMiB());
        }
      }
    }
  }

  private static Map<String, Long> steadyWritesOnStandIn(Simulator sim, int steady)
      throws InterruptedException {
    Map<String, Long> before = sim.api().writes().snapshot();
    Thread.sleep(steady * 1000L);
    Map<String, Long> after = sim.api().writes().snapshot();
    Map<String, Long> diff = new TreeMap<>();
    after.forEach(
        (k, v) -> {
          long d = v - before.getOrDefault(k, 0L);
          if (d > 0 && k.startsWith(OPERATOR_CLIENT + " ")) {
            diff.put(k.substring(OPERATOR_CLIENT.length() + 1), d);
          }
        });
    return diff;
  }

  private static Map<String, Long> steadyWritesFromAudit(Path auditLog, int steady)
      throws Exception {
    Instant from = Instant.now();
    Thread.sleep(steady * 1000L);
    Instant to = Instant.now();
    Thread.sleep(2000); // the audit backend writes in batches
    return AuditWrites.count(auditLog, from, to, OPERATOR_CLIENT);
  }

  private static boolean ready(Simulator sim, int nodes) {
    PiServerPool p =
        sim.client().resources(PiServerPool.class).inNamespace(NS).withName("web").get();
    if (p == null || p.getStatus() == null || p.getStatus().getNodes().size() != nodes) {
      return false;
    }
    boolean polled =
        p.getStatus().getNodes().stream()
            .allMatch(
                n ->
                    n.getPhase() == NodeStatus.Phase.Serving
                        || n.getPhase() == NodeStatus.Phase.Standby);
    Integer desired = p.getStatus().getDesiredReplicas();
    return polled && desired != null && serving(sim) == desired;
  }

  private static long serving(Simulator sim) {
    return agentPods(sim).stream()
        .filter(pod -> "true".equals(pod.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL)))
        .count();
  }

  private static List<Pod> agentPods(Simulator sim) {
    return sim.cache().pods().stream()
        .filter(pod -> pod.getMetadata().getLabels() != null)
        .filter(pod -> "web".equals(pod.getMetadata().getLabels().get(PiServerPool.POOL_LABEL)))
        .toList();
  }

  /** Wall time of {@code n} rounds of the operator's own poller over every agent, in ms. */
  private static List<Double> pollRounds(Simulator sim, int adminPort, int n) throws Exception {
    List<PollTarget> targets = new ArrayList<>();
    for (Pod p : agentPods(sim)) {
      targets.add(
          new PollTarget(
              p.getSpec().getNodeName(),
              p.getMetadata().getName(),
              p.getStatus().getPodIP(),
              adminPort));
    }
    List<Double> out = new ArrayList<>();
    try (AgentPoller poller = new AgentPoller(Duration.ofMillis(1500), Clock.systemUTC())) {
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        var results = poller.pollAll(targets).get();
        out.add((System.nanoTime() - t) / 1e6);
        long failed = results.stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
          System.out.printf(
              "poll round %d: %d of %d agents did not answer%n", i, failed, targets.size());
        }
      }
    }
    return out;
  }

  private static void await(Duration timeout, String what, BooleanSupplier done, OperatorProcess op)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!op.alive()) {
        throw new IllegalStateException("the operator process exited while waiting for " + what);
      }
      try {
        if (done.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // API briefly busy; try again
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "timed out after " + timeout.toSeconds() + " s waiting for " + what);
  }
}
