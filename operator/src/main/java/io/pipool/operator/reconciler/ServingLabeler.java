package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.autoscale.AgentPods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Writes pipool.io/serving on each agent pod, only where it differs. */
final class ServingLabeler {

  private final KubernetesClient client;

  ServingLabeler(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Labels the pods of the serving nodes "true" and all others "false".
   *
   * @return the nodes whose label changed, with the new value
   */
  Map<String, Boolean> apply(Map<String, Pod> podsByNode, Set<String> serving) {
    Map<String, Boolean> changed = new LinkedHashMap<>();
    podsByNode.forEach(
        (node, pod) -> {
          if (pod.getMetadata().getDeletionTimestamp() != null) {
            return;
          }
          boolean want = serving.contains(node) && AgentPods.running(pod);
          String have =
              pod.getMetadata().getLabels() == null
                  ? null
                  : pod.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL);
          if (String.valueOf(want).equals(have)) {
            return;
          }
          // a merge patch of one label: no conflict with the kubelet or the DaemonSet controller
          String patch =
              "{\"metadata\":{\"labels\":{\""
                  + PiServerPool.SERVING_LABEL
                  + "\":\""
                  + want
                  + "\"}}}";
          client
              .pods()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(pod.getMetadata().getName())
              .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
          changed.put(node, want);
        });
    return changed;
  }
}
