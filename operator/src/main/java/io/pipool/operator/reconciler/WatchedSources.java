package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.model.PoolNames;
import java.util.Map;
import java.util.Set;

/**
 * The informers a reconcile reads besides the dependents' own, limited to objects labelled as
 * managed by the operator: the agent pods (owned by the DaemonSet, so mapped back to their pool by
 * its label) and the restore Jobs (created during deletion, mapped back by owner reference).
 */
final class WatchedSources {

  /** Pods per page of the informer's list requests. */
  static final long POD_LIST_PAGE = 100;

  private WatchedSources() {}

  static InformerEventSource<Pod, PiServerPool> agentPods(
      EventSourceContext<PiServerPool> context) {
    InformerEventSourceConfiguration.Builder<Pod> pods =
        InformerEventSourceConfiguration.from(Pod.class, PiServerPool.class)
            .withLabelSelector(PoolNames.MANAGED_SELECTOR)
            .withNamespacesInheritedFromController()
            .withSecondaryToPrimaryMapper(WatchedSources::poolOfPod)
            // list hundreds of pods in pages, not as one large response held in memory
            .withInformerListLimit(POD_LIST_PAGE);
    // the SDK hands the same item store to the informer of every watched namespace, and a relist
    // drops what that informer's own list lacks: prune only when one informer (all namespaces, or
    // a single one) is all there is
    if (context.getControllerConfiguration().getEffectiveNamespaces().size() == 1) {
      pods.withItemStore(new PrunedPodStore());
    }
    return new InformerEventSource<>(pods.build(), context);
  }

  static InformerEventSource<Job, PiServerPool> restoreJobs(
      EventSourceContext<PiServerPool> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(Job.class, PiServerPool.class)
            .withLabelSelector(PoolNames.MANAGED_SELECTOR)
            .withNamespacesInheritedFromController()
            .build(),
        context);
  }

  static Set<ResourceID> poolOfPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String pool = labels == null ? null : labels.get(PiServerPool.POOL_LABEL);
    return pool == null ? Set.of() : Set.of(new ResourceID(pool, pod.getMetadata().getNamespace()));
  }
}
