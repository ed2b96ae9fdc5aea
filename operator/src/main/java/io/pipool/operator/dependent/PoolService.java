package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.model.AgentResources;
import io.pipool.operator.model.PoolNames;

/** The pool's Service, selecting the serving agents only. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class PoolService extends OwnedDependent<Service> {

  public PoolService() {
    super(Service.class, PoolNames::service, (pool, context) -> AgentResources.service(pool));
  }
}
