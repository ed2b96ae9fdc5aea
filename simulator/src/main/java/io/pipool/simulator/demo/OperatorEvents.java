package io.pipool.simulator.demo;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.v1alpha1.PiServerPool;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Events the operator wrote about its pools, counted by reason: with an operator the demo does
 * not run itself, the closing lines that show it did its work (created, scaled, drained, restored).
 */
final class OperatorEvents {

  private OperatorEvents() {}

  /** One line: "operator events: Created 1, ScaledUp 2, ..." (or that there were none). */
  static String render(KubernetesClient client, String namespace) {
    Map<String, Integer> byReason = new TreeMap<>();
    String kind = io.fabric8.kubernetes.api.model.HasMetadata.getKind(PiServerPool.class);
    // events.k8s.io/v1, as the operator writes them; a repeat within its window is not written
    for (Event e : client.events().v1().events().inNamespace(namespace).list().getItems()) {
      if (e.getRegarding() != null && kind.equals(e.getRegarding().getKind())) {
        byReason.merge(String.valueOf(e.getReason()), 1, Integer::sum);
      }
    }
    if (byReason.isEmpty()) {
      return "operator events: none on any PiServerPool\n";
    }
    StringBuilder line = new StringBuilder("operator events:");
    byReason.forEach(
        (reason, n) -> line.append(' ').append(reason).append(' ').append(n).append(','));
    line.setLength(line.length() - 1);
    return line.append('\n').toString();
  }
}
