package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.stream.Stream;

/**
 * The agent-pod informer's cache, holding each pod without the parts the operator never reads
 * (managedFields and the pod spec apart from nodeName), so a pool of hundreds of nodes costs a
 * fraction of the heap. Reads: metadata (name, namespace, labels, creation and deletion time),
 * spec.nodeName and the status; writes go by name as merge patches, never from a cached copy.
 */
final class PrunedPodStore implements ItemStore<Pod> {

  private final BasicItemStore<Pod> store = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  /** The pod as cached: the same object, trimmed in place (the informer hands over its own). */
  static Pod prune(Pod pod) {
    if (pod.getMetadata() != null) {
      pod.getMetadata().setManagedFields(null);
    }
    if (pod.getSpec() != null) {
      PodSpec kept = new PodSpec();
      kept.setNodeName(pod.getSpec().getNodeName());
      pod.setSpec(kept);
    }
    return pod;
  }

  @Override
  public String getKey(Pod pod) {
    return store.getKey(pod);
  }

  @Override
  public Pod put(String key, Pod pod) {
    return store.put(key, prune(pod));
  }

  @Override
  public Pod remove(String key) {
    return store.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return store.keySet();
  }

  @Override
  public Stream<Pod> values() {
    return store.values();
  }

  @Override
  public int size() {
    return store.size();
  }

  @Override
  public Pod get(String key) {
    return store.get(key);
  }
}
