package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.pipool.operator.model.DaemonSetModel;
import io.pipool.operator.model.PoolNames;

/** The agent DaemonSet; built by {@link PoolDependentFactory}, which knows the default image. */
@KubernetesDependent(
    createResourceOnlyIfNotExistingWithSSA = false,
    informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))
public final class AgentDaemonSet extends OwnedDependent<DaemonSet> {

  /**
   * @param defaultImage the agent image of pools that set no spec.image
   */
  public AgentDaemonSet(String defaultImage) {
    super(
        DaemonSet.class,
        PoolNames::agent,
        (pool, context) -> DaemonSetModel.daemonSet(pool, defaultImage));
  }
}
