package io.pipool.simulator;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.NodeObjects;
import io.pipool.simulator.node.SimNode;
import java.util.Collection;
import java.util.Map;

/** Creates each simulated node's files and its Node object (labels, capacity, Ready). */
final class NodeRegistration {

  private NodeRegistration() {}

  static void register(KubernetesClient client, Collection<SimNode> nodes) {
    for (SimNode n : nodes) {
      NodeFiles.seed(n, 46.0);
      Node node = NodeObjects.of(n);
      Node existing = client.nodes().withName(n.name()).get();
      if (existing == null) {
        client.resource(node).create();
      } else if (existing.getMetadata().getLabels() == null
          || !"true".equals(existing.getMetadata().getLabels().get(NodeObjects.SIMULATED_LABEL))) {
        throw new IllegalStateException(
            "node "
                + n.name()
                + " already exists and is not a simulated one; refusing to take it over");
      }
      // a real API server ignores status on create: write it through the status subresource
      client
          .nodes()
          .withName(n.name())
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              Serialization.asJson(Map.of("status", node.getStatus())));
    }
  }
}
