package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector of the embedded API server (background propagation): an object whose owners
 * (PiServerPool, DaemonSet or Job, by uid) are all gone is deleted, so deleting a pool takes its
 * ConfigMap, RBAC, DaemonSet, Service, Jobs and, through those, its pods with it. Owners of other
 * kinds are not tracked and their dependents are left alone.
 */
public final class GarbageCollector implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
  private static final Set<String> OWNER_KINDS = Set.of("PiServerPool", "DaemonSet", "Job");

  private final KubernetesClient client;
  private final ClusterCache cache;
  private final Clock clock;
  private final Duration every;
  private Instant last = Instant.MIN;
  // an object must look orphaned for a while: a watch may deliver an owner after its dependent
  private final java.util.Map<String, Instant> suspects = new java.util.HashMap<>();
  private static final Duration CONFIRM = Duration.ofMillis(1500);

  /**
   * @param every how often to sweep the kinds that are not cached (ConfigMaps, RBAC, Services)
   */
  public GarbageCollector(
      KubernetesClient client, ClusterCache cache, Clock clock, Duration every) {
    this.client = client;
    this.cache = cache;
    this.clock = clock;
    this.every = every;
  }

  @Override
  public void run() {
    Set<String> owners = new HashSet<>();
    Stream.of(cache.pools(), cache.daemonSets(), cache.jobs())
        .flatMap(List::stream)
        .forEach(o -> owners.add(o.getMetadata().getUid()));
    List<HasMetadata> candidates = new ArrayList<>();
    candidates.addAll(cache.pods());
    candidates.addAll(cache.daemonSets());
    candidates.addAll(cache.jobs());
    Instant now = clock.instant();
    if (!now.isBefore(last.plus(every))) {
      last = now;
      candidates.addAll(client.configMaps().inAnyNamespace().list().getItems());
      candidates.addAll(client.services().inAnyNamespace().list().getItems());
      candidates.addAll(client.serviceAccounts().inAnyNamespace().list().getItems());
      candidates.addAll(client.rbac().roles().inAnyNamespace().list().getItems());
      candidates.addAll(client.rbac().roleBindings().inAnyNamespace().list().getItems());
    }
    Set<String> stillSuspect = new HashSet<>();
    for (HasMetadata o : candidates) {
      if (orphaned(o, owners)) {
        String uid = o.getMetadata().getUid();
        stillSuspect.add(uid);
        Instant since = suspects.computeIfAbsent(uid, k -> now);
        if (now.isBefore(since.plus(CONFIRM))) {
          continue;
        }
        try {
          client.resource(o).delete();
          LOG.debug(
              "collected {} {}/{}",
              o.getKind(),
              o.getMetadata().getNamespace(),
              o.getMetadata().getName());
        } catch (KubernetesClientException e) {
          LOG.warn(
              "cannot collect {} {}: {}", o.getKind(), o.getMetadata().getName(), e.getMessage());
        }
      }
    }
    // forget suspects long gone (deleted, or adopted by an owner that appeared)
    suspects
        .entrySet()
        .removeIf(
            e -> !stillSuspect.contains(e.getKey()) && e.getValue().plusSeconds(60).isBefore(now));
  }

  /** True when the object has tracked owners and none of them exists any more. */
  static boolean orphaned(HasMetadata o, Set<String> existingOwnerUids) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs == null || refs.isEmpty()) {
      return false;
    }
    if (refs.stream().anyMatch(r -> !OWNER_KINDS.contains(r.getKind()))) {
      return false;
    }
    return refs.stream().noneMatch(r -> existingOwnerUids.contains(r.getUid()));
  }
}
