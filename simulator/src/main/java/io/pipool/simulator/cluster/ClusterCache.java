package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pipool.api.v1alpha1.PiServerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Watch-backed caches of what the simulated controllers and kubelet read, like the informers of the
 * real ones. Against a real API server only pods are watched (the kubelet part).
 */
public final class ClusterCache implements AutoCloseable {

  private final List<SharedIndexInformer<?>> all = new ArrayList<>();
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<DaemonSet> daemonSets;
  private final SharedIndexInformer<Job> jobs;
  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<PiServerPool> pools;

  private ClusterCache(KubernetesClient client, boolean controllers, Runnable onChange) {
    pods = add(client.pods().inAnyNamespace().runnableInformer(0), onChange);
    if (controllers) {
      daemonSets = add(client.apps().daemonSets().inAnyNamespace().runnableInformer(0), onChange);
      jobs = add(client.batch().v1().jobs().inAnyNamespace().runnableInformer(0), onChange);
      nodes = add(client.nodes().runnableInformer(0), onChange);
      pools =
          add(client.resources(PiServerPool.class).inAnyNamespace().runnableInformer(0), onChange);
    } else {
      daemonSets = null;
      jobs = null;
      nodes = null;
      pools = null;
    }
  }

  /**
   * Starts the caches and waits until each has listed once.
   *
   * @param controllers also cache DaemonSets, Jobs, Nodes and pools (embedded API server only)
   * @param onChange called on every add, update and delete (to wake the control loop)
   */
  public static ClusterCache start(
      KubernetesClient client, boolean controllers, Runnable onChange) {
    ClusterCache cache = new ClusterCache(client, controllers, onChange);
    for (SharedIndexInformer<?> i : cache.all) {
      try {
        i.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        cache.close();
        throw new IllegalStateException("cannot watch the API server: " + e.getMessage(), e);
      }
    }
    return cache;
  }

  private <T extends HasMetadata> SharedIndexInformer<T> add(
      SharedIndexInformer<T> informer, Runnable onChange) {
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(T obj) {
            onChange.run();
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            onChange.run();
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            onChange.run();
          }
        });
    all.add(informer);
    return informer;
  }

  /** Every pod. */
  public List<Pod> pods() {
    return pods.getStore().list();
  }

  /** Every DaemonSet. */
  public List<DaemonSet> daemonSets() {
    return daemonSets.getStore().list();
  }

  /** Every Job. */
  public List<Job> jobs() {
    return jobs.getStore().list();
  }

  /** Every Node. */
  public List<Node> nodes() {
    return nodes.getStore().list();
  }

  /** Every PiServerPool. */
  public List<PiServerPool> pools() {
    return pools.getStore().list();
  }

  @Override
  public void close() {
    all.forEach(SharedIndexInformer::close);
  }
}
