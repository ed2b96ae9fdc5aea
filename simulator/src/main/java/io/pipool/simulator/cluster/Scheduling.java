package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a DaemonSet pod belongs on a node: its nodeSelector matches the node's labels and it
 * tolerates the node's NoSchedule/NoExecute taints. Node affinity is not evaluated (the operator
 * does not use it); a pod spec that sets it is scheduled on its nodeSelector alone.
 */
public final class Scheduling {

  private Scheduling() {}

  /** True when a pod with {@code spec} may run on {@code node}. */
  public static boolean fits(PodSpec spec, Node node) {
    Map<String, String> labels =
        Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
    Map<String, String> selector = Optional.ofNullable(spec.getNodeSelector()).orElse(Map.of());
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!Objects.equals(labels.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    List<Taint> taints =
        node.getSpec() == null || node.getSpec().getTaints() == null
            ? List.of()
            : node.getSpec().getTaints();
    List<Toleration> tolerations =
        Optional.ofNullable(spec.getTolerations()).orElse(List.<Toleration>of());
    for (Taint t : taints) {
      if ("PreferNoSchedule".equals(t.getEffect())) {
        continue;
      }
      if (tolerations.stream().noneMatch(tol -> tolerates(tol, t))) {
        return false;
      }
    }
    return true;
  }

  static boolean tolerates(Toleration tol, Taint taint) {
    if (tol.getEffect() != null
        && !tol.getEffect().isEmpty()
        && !tol.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (tol.getKey() == null || tol.getKey().isEmpty()) {
      return "Exists".equals(tol.getOperator());
    }
    if (!tol.getKey().equals(taint.getKey())) {
      return false;
    }
    if ("Exists".equals(tol.getOperator())) {
      return true;
    }
    return Objects.equals(
        Objects.requireNonNullElse(tol.getValue(), ""),
        Objects.requireNonNullElse(taint.getValue(), ""));
  }
}
