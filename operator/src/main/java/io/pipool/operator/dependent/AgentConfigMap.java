package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.model.AgentResources;
import io.pipool.operator.model.PoolNames;

/** The agent's agent.yaml. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class AgentConfigMap extends OwnedDependent<ConfigMap> {

  public AgentConfigMap() {
    super(ConfigMap.class, PoolNames::agent, (pool, context) -> AgentResources.configMap(pool));
  }
}
