package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.dependent.DependentResourceSpec;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResourceFactory;

/**
 * Builds the pool's dependents for the SDK: the agent DaemonSet gets the operator's default agent
 * image in its constructor; every other dependent needs nothing and is left to the SDK's default.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class PoolDependentFactory implements DependentResourceFactory {

  private final String defaultAgentImage;

  public PoolDependentFactory(String defaultAgentImage) {
    this.defaultAgentImage = defaultAgentImage;
  }

  @Override
  public DependentResource createFrom(
      DependentResourceSpec spec, ControllerConfiguration configuration) {
    if (spec.getDependentResourceClass() != AgentDaemonSet.class) {
      return DependentResourceFactory.super.createFrom(spec, configuration);
    }
    AgentDaemonSet daemonSet = new AgentDaemonSet(defaultAgentImage);
    configure(daemonSet, spec, configuration);
    return daemonSet;
  }

  /** The SDK asks this without building one; the default would need a no-argument constructor. */
  @Override
  public Class<?> associatedResourceType(DependentResourceSpec spec) {
    return spec.getDependentResourceClass() == AgentDaemonSet.class
        ? DaemonSet.class
        : DependentResourceFactory.super.associatedResourceType(spec);
  }
}
