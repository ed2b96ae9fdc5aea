package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.model.PoolNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The informers a pool's reconcile reads from: every owned kind (mapped back by owner reference)
 * and the agent pods (mapped back by their pool label, since the DaemonSet owns them), all limited
 * to objects labelled as managed by the operator.
 */
final class OwnedSources {

  static final String MANAGED = PoolNames.MANAGED_BY_LABEL + "=" + PoolNames.MANAGED_BY;

  /** Pods per page of the agent-pod informer's list requests. */
  static final long POD_LIST_PAGE = 100;

  private OwnedSources() {}

  static List<EventSource<?, PiServerPool>> all(
      EventSourceContext<PiServerPool> context, PollTrigger trigger) {
    List<EventSource<?, PiServerPool>> sources = new ArrayList<>();
    for (Class<? extends HasMetadata> type :
        List.of(
            ServiceAccount.class,
            Role.class,
            RoleBinding.class,
            ConfigMap.class,
            DaemonSet.class,
            Service.class,
            Job.class)) {
      sources.add(owned(type, context));
    }
    InformerEventSourceConfiguration.Builder<Pod> pods =
        InformerEventSourceConfiguration.from(Pod.class, PiServerPool.class)
            .withLabelSelector(MANAGED)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(OwnedSources::poolOfPod)
            // list hundreds of pods in pages, not as one large response held in memory
            .withInformerListLimit(POD_LIST_PAGE);
    // the SDK hands the same item store to the informer of every watched namespace, and a relist
    // drops what that informer's own list lacks: prune only when one informer (all namespaces, or
    // a single one) is all there is
    if (context.getControllerConfiguration().getEffectiveNamespaces().size() == 1) {
      pods.withItemStore(new PrunedPodStore());
    }
    sources.add(new InformerEventSource<>(pods.build(), context));
    sources.add(trigger);
    return sources;
  }

  static Set<ResourceID> poolOfPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String pool = labels == null ? null : labels.get(PiServerPool.POOL_LABEL);
    return pool == null ? Set.of() : Set.of(new ResourceID(pool, pod.getMetadata().getNamespace()));
  }

  private static <R extends HasMetadata> InformerEventSource<R, PiServerPool> owned(
      Class<R> type, EventSourceContext<PiServerPool> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, PiServerPool.class)
            .withLabelSelector(MANAGED)
            .withNamespacesInheritedFromController()
            .build(),
        context);
  }
}
