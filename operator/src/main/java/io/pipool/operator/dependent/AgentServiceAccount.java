package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.model.AgentResources;
import io.pipool.operator.model.PoolNames;

/** The agent's ServiceAccount. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class AgentServiceAccount extends OwnedDependent<ServiceAccount> {

  public AgentServiceAccount() {
    super(
        ServiceAccount.class,
        PoolNames::agent,
        (pool, context) -> AgentResources.serviceAccount(pool));
  }
}
