package io.pipool.agent.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pipool.agent.status.AgentState;
import io.pipool.api.v1alpha1.PiServerPool;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors the agent's own pod label {@code pipool.io/serving} into its state: read-only, watching
 * only its own pod (field selector on metadata.name). Before the first event, and when the label is
 * absent, the configured initial mode stays.
 */
public final class PodLabelWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PodLabelWatcher.class);

  private final SharedIndexInformer<Pod> informer;

  private PodLabelWatcher(SharedIndexInformer<Pod> informer) {
    this.informer = informer;
  }

  /** Starts watching; returns at once (the informer lists and watches in the background). */
  public static PodLabelWatcher start(
      KubernetesClient client, String namespace, String pod, AgentState state) {
    SharedIndexInformer<Pod> informer =
        client.pods().inNamespace(namespace).withField("metadata.name", pod).runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod p) {
            apply(p, state);
          }

          @Override
          public void onUpdate(Pod old, Pod p) {
            apply(p, state);
          }

          @Override
          public void onDelete(Pod p, boolean finalStateUnknown) {
            state.labelServing(false, "own pod deleted");
          }
        });
    informer
        .start()
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                LOG.warn(
                    "cannot watch pod {}/{} (keeping the initial serving mode): {}",
                    namespace,
                    pod,
                    e.getMessage());
              }
            });
    return new PodLabelWatcher(informer);
  }

  /** Applies one pod's label to the state. */
  static void apply(Pod p, AgentState state) {
    Map<String, String> labels = p.getMetadata().getLabels();
    String value = labels == null ? null : labels.get(PiServerPool.SERVING_LABEL);
    if (value == null) {
      return;
    }
    boolean serving = "true".equals(value);
    boolean changed = state.labelServing() != serving;
    state.labelServing(serving, "label " + PiServerPool.SERVING_LABEL + "=" + value);
    if (changed) {
      LOG.info(
          "pod {}/{} label {}={}",
          p.getMetadata().getNamespace(),
          p.getMetadata().getName(),
          PiServerPool.SERVING_LABEL,
          value);
    }
  }

  @Override
  public void close() {
    informer.close();
  }
}
