package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.cluster.PodFacts;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.SimNode;
import io.pipool.simulator.thermal.ThermalProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.assertj.core.api.IterableAssert;
import org.awaitility.core.ThrowingRunnable;

/**
 * A simulated cluster with the real operator, for end-to-end tests: on the embedded API server with
 * the operator in this JVM ({@link #embedded}), or on a real control plane with the operator
 * installed from manifests/ and run as its own processes ({@link #real}).
 */
final class SimCluster implements AutoCloseable {

  static final Path EXAMPLE = Path.of("../manifests/examples/web-pool.yaml");
  static final String POOL = "web";

  /** Operator replicas the install's Deployment asks for. */
  static final int REPLICAS = 2;

  final Simulator sim;
  final KubernetesClient client;
  final String ns;
  private final InstalledOperator installed;
  private KubernetesClient operatorClient;
  private PiPoolOperator operator;
  private FrontLoad front;
  private int podNames;
  private String lastStopped;

  private SimCluster(Simulator sim, String ns, InstalledOperator installed) {
    this.sim = sim;
    this.client = sim.client();
    this.ns = ns;
    this.installed = installed;
  }

  /** On the embedded (mock) API server, in the default namespace. */
  static SimCluster embedded(int nodes, double speed) {
    return new SimCluster(
        Simulator.start(SimulatorConfig.embedded(nodes, speed), Clock.systemUTC()),
        "default",
        null);
  }

  /** On the real API server of {@code kubeconfig}, in a namespace of its own. */
  static SimCluster real(Path kubeconfig, int nodes, double speed) {
    return real(kubeconfig, nodes, speed, false);
  }

  /**
   * The same; with {@code netns} the nodes' addresses live in a network namespace of the
   * simulator's own (root only), where a test can cut the paths to them.
   */
  static SimCluster real(Path kubeconfig, int nodes, double speed, boolean netns) {
    Simulator sim =
        Simulator.start(
            new SimulatorConfig(
                nodes, speed, ThermalProfile.DEFAULT_FULL_LOAD_RPS, kubeconfig, null, null, netns),
            Clock.systemUTC());
    String ns = "pipool-e2e-" + PodFacts.suffix();
    sim.client()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();
    return new SimCluster(
        sim, ns, InstalledOperator.install(sim.client(), sim.workDir().resolve("operator")));
  }

  /** The name of the replica {@link #stopOperator} stopped last (real cluster only). */
  String lastStopped() {
    return lastStopped;
  }

  /** The installed operator (real cluster only). */
  InstalledOperator installed() {
    return installed;
  }

  /**
   * Starts the operator: in this JVM on the embedded server; on a real cluster, as many replicas as
   * the install's Deployment runs (each a new "pod" name, as a ReplicaSet would give).
   */
  void startOperator() {
    if (installed != null) {
      while (installed.replicas().stream().filter(InstalledOperator.Replica::alive).count()
          < REPLICAS) {
        installed.start("pi-pool-operator-" + (++podNames));
      }
      return;
    }
    operatorClient = sim.newClient("pi-pool-operator");
    OperatorConfig config =
        OperatorConfig.fromEnv(
            Map.of(
                OperatorConfig.LEADER_ELECTION, "false",
                OperatorConfig.HTTP_PORT, "-1",
                OperatorConfig.SERVER_SIDE_APPLY, "false",
                OperatorConfig.POLL_TIMEOUT_MS, "1000",
                OperatorConfig.RESTORE_CHECK_SECONDS, "1"));
    operator = PiPoolOperator.start(operatorClient, config, Clock.systemUTC());
  }

  /** Stops the operator; on a real cluster, the replica that leads (SIGTERM, as for a pod). */
  void stopOperator() {
    if (installed != null) {
      InstalledOperator.Replica leader = awaitLeader();
      leader.stop();
      lastStopped = leader.name;
      return;
    }
    operator.stop();
    operatorClient.close();
    operator = null;
  }

  /** Kills the replica that leads with SIGKILL (real cluster only); returns its name. */
  String killLeader() {
    InstalledOperator.Replica leader = awaitLeader();
    leader.kill();
    lastStopped = leader.name;
    return leader.name;
  }

  private InstalledOperator.Replica awaitLeader() {
    return await("an operator replica leading")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(installed::leader, Objects::nonNull);
  }

  /** Starts the front and its load (see {@link FrontLoad}); {@link #close} stops them. */
  FrontLoad startFront() {
    front = FrontLoad.start(this);
    return front;
  }

  /** The example pool with free ports (on loopback) and the given tuning, applied. */
  PiServerPool applyExample(PoolTuning tuning) {
    return applyExample(tuning, p -> {});
  }

  /** The same, with {@code change} made to the pool before it is created. */
  PiServerPool applyExample(PoolTuning tuning, java.util.function.Consumer<PiServerPool> change) {
    PoolTuning t = tuning;
    if (sim.network() == null) {
      // on loopback the nodes share this machine's ports; a namespace of our own has all free
      List<Integer> ports =
          FreePorts.pick(sim.nodes().values().stream().map(SimNode::address).toList(), 2);
      t = tuning.withPorts(ports.get(0), ports.get(1));
    }
    PiServerPool pool = t.apply(PoolTuning.read(EXAMPLE));
    pool.getMetadata().setNamespace(ns);
    change.accept(pool);
    return client.resource(pool).create();
  }

  /** Changes the pool's spec as a user's edit would, and returns what the API server stored. */
  /**
   * Edits the pool as kubectl edit does: read, change, write with the read resourceVersion, and
   * start again when the operator wrote its status in between (409 Conflict).
   */
  PiServerPool editPool(java.util.function.Consumer<PiServerPool> change) {
    var pool = client.resources(PiServerPool.class).inNamespace(ns).withName(POOL);
    int conflicts = 0;
    while (true) {
      try {
        return pool.edit(
            p -> {
              change.accept(p);
              return p;
            });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || ++conflicts == 10) {
          throw e;
        }
      }
    }
  }

  /** Changes the spec and waits for the operator to report that generation as observed. */
  void bumpGenerationAndAwaitObserved(String when) {
    PiServerPool edited =
        editPool(
            p -> {
              var a = p.getSpec().getAutoscaling();
              a.setTargetConnectionsPerReplica(a.getTargetConnectionsPerReplica() + 1);
            });
    long generation = edited.getMetadata().getGeneration();
    await("observedGeneration " + generation + " " + when)
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var s = pool().getStatus();
              assertThat(
                      s != null
                          && s.getObservedGeneration() != null
                          && s.getObservedGeneration() >= generation)
                  .as(() -> describe() + installed.logs())
                  .isTrue();
            });
  }

  PiServerPool pool() {
    return client.resources(PiServerPool.class).inNamespace(ns).withName(POOL).get();
  }

  List<Pod> agentPods() {
    return client.pods().inNamespace(ns).withLabel(PiServerPool.POOL_LABEL, POOL).list().getItems();
  }

  /** Nodes whose agent pod carries pipool.io/serving=true. */
  Set<String> servingNodes() {
    return agentPods().stream()
        .filter(p -> "true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL)))
        .map(p -> p.getSpec().getNodeName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * Waits up to {@code within} until the serving nodes pass {@code serving} and {@code also} holds;
   * a failure of {@code serving} describes the cluster and the load.
   */
  void awaitServingUnderLoad(
      String what,
      Duration within,
      LoadGenerator load,
      Consumer<IterableAssert<String>> serving,
      ThrowingRunnable also) {
    await(what)
        .atMost(within)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Iterable<String> nodes = servingNodes();
              serving.accept(assertThat(nodes).as(() -> describe() + "load: " + load.stats()));
              also.run();
            });
  }

  /** Nodes the pool's Service selects right now (its selector evaluated over the pods). */
  Set<String> serviceSelection() {
    var svc = client.services().inNamespace(ns).withName(POOL).get();
    if (svc == null) {
      return Set.of();
    }
    Map<String, String> selector = svc.getSpec().getSelector();
    return client.pods().inNamespace(ns).withLabels(selector).list().getItems().stream()
        .map(p -> p.getSpec().getNodeName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  NodeStatus.Phase phaseOf(String node) {
    PiServerPool p = pool();
    if (p == null || p.getStatus() == null) {
      return null;
    }
    return p.getStatus().getNodes().stream()
        .filter(n -> node.equals(n.getName()))
        .map(NodeStatus::getPhase)
        .findFirst()
        .orElse(null);
  }

  /** The sysctls the pool's profile tunes (manifests/examples/web-pool.yaml). */
  static final List<String> TUNED =
      List.of(
          "net.core.somaxconn",
          "net.ipv4.tcp_max_syn_backlog",
          "net.ipv4.ip_local_port_range",
          "net.core.netdev_max_backlog");

  /**
   * Every tuned sysctl that does not hold its node's original value now, as "name on node = value";
   * empty when every node got its originals back.
   */
  List<String> sysctlsNotRestored() {
    List<String> wrong = new java.util.ArrayList<>();
    for (SimNode n : sim.nodes().values()) {
      for (String name : TUNED) {
        String now = NodeFiles.readSysctl(n, name);
        if (!NodeFiles.PI_OS_DEFAULTS.get(name).replace('\t', ' ').equals(now)) {
          wrong.add(name + " on " + n.name() + " = " + now);
        }
      }
    }
    return wrong;
  }

  /** A one-screen description of the cluster, for failure messages. */
  String describe() {
    StringBuilder sb = new StringBuilder();
    PiServerPool p = pool();
    if (p != null && p.getStatus() != null) {
      var s = p.getStatus();
      sb.append("pool: desired=")
          .append(s.getDesiredReplicas())
          .append(" serving=")
          .append(s.getReplicas())
          .append(" conditions=")
          .append(
              s.getConditions().stream()
                  .map(c -> c.getType() + "=" + c.getStatus() + "(" + c.getReason() + ")")
                  .toList())
          .append('\n');
      for (NodeStatus n : s.getNodes()) {
        sb.append("  ")
            .append(n.getName())
            .append(' ')
            .append(n.getPhase())
            .append(" conns=")
            .append(n.getConnections())
            .append(" temp=")
            .append(n.getTemperatureCelsius())
            .append(" sysctls=")
            .append(n.getSysctls())
            .append(" reason=")
            .append(n.getReason())
            .append('\n');
      }
    } else {
      sb.append("pool: ").append(p == null ? "absent" : "no status").append('\n');
    }
    for (Pod pod : agentPods()) {
      sb.append("  pod ")
          .append(pod.getMetadata().getName())
          .append(" on ")
          .append(pod.getSpec().getNodeName())
          .append(' ')
          .append(pod.getStatus() == null ? "-" : pod.getStatus().getPhase())
          .append(" ip=")
          .append(pod.getStatus() == null ? "-" : pod.getStatus().getPodIP())
          .append(" serving=")
          .append(pod.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL))
          .append('\n');
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (front != null) {
      front.close();
    }
    if (operator != null) {
      stopOperator();
    }
    if (installed != null) {
      installed.close();
      // a test that failed before deleting its pool must not leave the namespace hanging on the
      // pool's finalizer, with no operator left, for the next test on this cluster to trip over
      for (PiServerPool p :
          client.resources(PiServerPool.class).inNamespace(ns).list().getItems()) {
        client
            .resources(PiServerPool.class)
            .inNamespace(ns)
            .withName(p.getMetadata().getName())
            .patch(
                io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                    io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                "{\"metadata\":{\"finalizers\":null}}");
      }
      client.namespaces().withName(ns).delete();
      sim.nodes().keySet().forEach(n -> client.nodes().withName(n).delete());
    }
    sim.close();
  }
}
