package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.Role;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.model.AgentResources;
import io.pipool.operator.model.PoolNames;

/** The agent's Role: read its own pods. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class AgentRole extends OwnedDependent<Role> {

  public AgentRole() {
    super(Role.class, PoolNames::agent, (pool, context) -> AgentResources.role(pool));
  }
}
