package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.model.FrontendModel;
import io.pipool.operator.model.PoolNames;
import java.util.Collection;
import java.util.List;

/**
 * The balancer configuration {@code <pool>-frontend}: the pool's running agents with their
 * addresses and whether they serve, as the agent-pod cache holds them now.
 */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class FrontendConfigMap extends OwnedDependent<ConfigMap> {

  public FrontendConfigMap() {
    super(
        ConfigMap.class,
        PoolNames::frontend,
        (pool, context) ->
            FrontendModel.configMap(pool, nodes(context.getSecondaryResources(Pod.class))));
  }

  /** The pool's nodes as a balancer reaches them: running agents with an address. */
  static List<FrontendModel.Node> nodes(Collection<Pod> pods) {
    return AgentPods.byNode(pods).entrySet().stream()
        .filter(e -> AgentPods.running(e.getValue()))
        .map(
            e ->
                new FrontendModel.Node(
                    e.getKey(),
                    e.getValue().getStatus().getPodIP(),
                    AgentPods.serving(e.getValue())))
        .toList();
  }
}
