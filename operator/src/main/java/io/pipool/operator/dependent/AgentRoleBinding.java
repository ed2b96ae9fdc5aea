package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.model.AgentResources;
import io.pipool.operator.model.PoolNames;

/** Binds the agent's Role to its ServiceAccount. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class AgentRoleBinding extends OwnedDependent<RoleBinding> {

  public AgentRoleBinding() {
    super(RoleBinding.class, PoolNames::agent, (pool, context) -> AgentResources.roleBinding(pool));
  }
}
