package io.pipool.simulator.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.SimNode;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** An embedded simulated cluster with the real operator, for end-to-end tests. */
final class SimCluster implements AutoCloseable {

  static final Path EXAMPLE = Path.of("../manifests/examples/web-pool.yaml");
  static final String NS = "default";
  static final String POOL = "web";

  final Simulator sim;
  final KubernetesClient client;
  private KubernetesClient operatorClient;
  private PiPoolOperator operator;

  SimCluster(int nodes, double speed) {
    sim = Simulator.start(SimulatorConfig.embedded(nodes, speed), Clock.systemUTC());
    client = sim.client();
  }

  void startOperator() {
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

  void stopOperator() {
    operator.stop();
    operatorClient.close();
    operator = null;
  }

  /** The example pool with free ports and the given tuning, applied. */
  PiServerPool applyExample(PoolTuning tuning) {
    List<Integer> ports =
        FreePorts.pick(sim.nodes().values().stream().map(SimNode::address).toList(), 2);
    PiServerPool pool =
        tuning.withPorts(ports.get(0), ports.get(1)).apply(PoolTuning.read(EXAMPLE));
    return client.resource(pool).create();
  }

  PiServerPool pool() {
    return client.resources(PiServerPool.class).inNamespace(NS).withName(POOL).get();
  }

  List<Pod> agentPods() {
    return client.pods().inNamespace(NS).withLabel(PiServerPool.POOL_LABEL, POOL).list().getItems();
  }

  /** Nodes whose agent pod carries pipool.io/serving=true. */
  Set<String> servingNodes() {
    return agentPods().stream()
        .filter(p -> "true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL)))
        .map(p -> p.getSpec().getNodeName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Nodes the pool's Service selects right now (its selector evaluated over the pods). */
  Set<String> serviceSelection() {
    var svc = client.services().inNamespace(NS).withName(POOL).get();
    if (svc == null) {
      return Set.of();
    }
    Map<String, String> selector = svc.getSpec().getSelector();
    return client.pods().inNamespace(NS).withLabels(selector).list().getItems().stream()
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
    if (operator != null) {
      stopOperator();
    }
    sim.close();
  }
}
