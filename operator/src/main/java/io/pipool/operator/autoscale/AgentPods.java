package io.pipool.operator.autoscale;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.model.DaemonSetModel;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the operator reads off agent pods (pure, over the Kubernetes model types). */
public final class AgentPods {

  private AgentPods() {}

  /**
   * Whether the pod may be put in rotation: scheduled, running, its agent container started, not
   * being deleted. Pod readiness (/readyz/pod) is not required: a shedding agent is unready, and
   * the decision learns about it from the agent's own sample (temperature, throttling) instead.
   */
  public static boolean running(Pod pod) {
    if (pod.getMetadata().getDeletionTimestamp() != null
        || pod.getSpec() == null
        || pod.getSpec().getNodeName() == null
        || pod.getStatus() == null
        || !"Running".equals(pod.getStatus().getPhase())
        || pod.getStatus().getPodIP() == null) {
      return false;
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null) {
      return false;
    }
    return statuses.stream()
        .anyMatch(
            s ->
                DaemonSetModel.CONTAINER.equals(s.getName())
                    && s.getState() != null
                    && s.getState().getRunning() != null);
  }

  /** The pod's serving label is "true". */
  public static boolean serving(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return labels != null && "true".equals(labels.get(PiServerPool.SERVING_LABEL));
  }

  /** The node a pod runs on, or null before scheduling. */
  public static String node(Pod pod) {
    return pod.getSpec() == null ? null : pod.getSpec().getNodeName();
  }

  /**
   * One pod per node: the newest live one, since during a roll a node briefly has an old pod
   * terminating and a new one starting.
   */
  public static Map<String, Pod> byNode(Iterable<Pod> pods) {
    Map<String, Pod> out = new LinkedHashMap<>();
    for (Pod pod : pods) {
      String node = node(pod);
      if (node == null) {
        continue;
      }
      out.merge(node, pod, AgentPods::preferred);
    }
    Map<String, Pod> sorted = new LinkedHashMap<>();
    out.keySet().stream().sorted().forEach(n -> sorted.put(n, out.get(n)));
    return sorted;
  }

  private static Pod preferred(Pod a, Pod b) {
    boolean aLive = a.getMetadata().getDeletionTimestamp() == null;
    boolean bLive = b.getMetadata().getDeletionTimestamp() == null;
    if (aLive != bLive) {
      return aLive ? a : b;
    }
    Comparator<Pod> byCreation =
        Comparator.comparing(
            p -> String.valueOf(p.getMetadata().getCreationTimestamp()), Comparator.naturalOrder());
    return byCreation.compare(a, b) >= 0 ? a : b;
  }
}
