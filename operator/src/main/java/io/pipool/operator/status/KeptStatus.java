package io.pipool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.model.PoolNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The published status, kept while the operator has nothing new to say about the agents (pure). */
public final class KeptStatus {

  private KeptStatus() {}

  /**
   * The status while this operator has not observed the agents yet (started, or took the lease, and
   * no poll has answered): the published decision is kept as it is (desired count, node phases,
   * readings, recommendations, last scale time) and ScalingActive says why it is stale. Only what
   * the API server shows is brought up to date: which pods exist, run and serve.
   *
   * @param why what is missing, for the condition's message
   */
  public static PiServerPoolStatus awaiting(
      PiServerPool pool,
      DaemonSet daemonSet,
      Map<String, Pod> pods,
      Set<String> serving,
      boolean dryRun,
      String why,
      Instant now) {
    PiServerPoolStatus old = pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    PiServerPoolStatus s = StatusComposer.copy(old);
    Long generation = pool.getMetadata().getGeneration();
    s.setObservedGeneration(generation);
    s.setSelector(PoolNames.servingSelectorString(pool));
    s.setReplicas(serving.size());
    Map<String, NodeStatus> published = new HashMap<>();
    if (s.getNodes() != null) {
      s.getNodes().stream()
          .filter(n -> n.getName() != null)
          .forEach(n -> published.put(n.getName(), n));
    }
    List<NodeStatus> nodes = new ArrayList<>();
    pods.forEach(
        (node, pod) -> {
          NodeStatus n = published.getOrDefault(node, new NodeStatus());
          boolean known = published.containsKey(node);
          n.setName(node);
          n.setPod(pod.getMetadata().getName());
          n.setPodIP(pod.getStatus() == null ? null : pod.getStatus().getPodIP());
          if (!AgentPods.running(pod)) {
            pending(n, "agent not running", now);
          } else if (!known) {
            pending(n, "not polled yet", now);
          }
          nodes.add(n);
        });
    s.setNodes(nodes);
    if (old.getTotals() != null) {
      s.getTotals().setNodes(nodes.size());
    }
    int desired = old.getDesiredReplicas() == null ? serving.size() : old.getDesiredReplicas();
    s.setDesiredReplicas(desired);
    List<Condition> c = old.getConditions();
    c = Conditions.set(c, Conditions.SCALING_ACTIVE, "Unknown", STALE, why, generation, now);
    PoolObservation o =
        new PoolObservation(
            daemonSet, pods, Map.of(), Map.of(), Map.of(), null, serving, dryRun, now);
    String[] ready = StatusComposer.ready(o, desired);
    c = Conditions.set(c, Conditions.READY, ready[0], ready[1], ready[2], generation, now);
    s.setConditions(new ArrayList<>(c));
    return s;
  }

  /** ScalingActive's reason while the published decision is kept for want of observations. */
  public static final String STALE = "StaleObservations";

  private static void pending(NodeStatus n, String reason, Instant now) {
    if (n.getPhase() != NodeStatus.Phase.Pending) {
      n.setPhaseSince(now.toString());
    }
    n.setPhase(NodeStatus.Phase.Pending);
    n.setReason(reason);
    n.setConnections(null);
    n.setRequestsPerSecond(null);
  }
}
