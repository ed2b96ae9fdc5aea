package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DaemonSet controller of the embedded API server: one pod per fitting node from each
 * DaemonSet's template (controller owner reference, nodeName set), pods removed from nodes that no
 * longer fit, and RollingUpdate with maxUnavailable as the real controller does it (old pods that
 * are not ready go at once; ready old pods only while fewer than maxUnavailable are unavailable).
 */
public final class DaemonSetController implements Runnable {

  /** Pod label carrying the template revision, as the real controller sets it. */
  public static final String REVISION_LABEL = "controller-revision-hash";

  private static final Logger LOG = LoggerFactory.getLogger(DaemonSetController.class);
  private static final Duration EXPECTATION_TTL = Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final ClusterCache cache;
  private final Clock clock;
  // creates and deletes not yet seen in the cache, so one slow watch event cannot double a pod
  private final Map<String, Instant> pendingCreates = new ConcurrentHashMap<>();
  private final Map<String, Instant> pendingDeletes = new ConcurrentHashMap<>();

  /** A controller writing through {@code client} and reading from {@code cache}. */
  public DaemonSetController(KubernetesClient client, ClusterCache cache, Clock clock) {
    this.client = client;
    this.cache = cache;
    this.clock = clock;
  }

  @Override
  public void run() {
    Instant now = clock.instant();
    pendingCreates.values().removeIf(t -> t.plus(EXPECTATION_TTL).isBefore(now));
    pendingDeletes.values().removeIf(t -> t.plus(EXPECTATION_TTL).isBefore(now));
    List<Node> nodes = cache.nodes();
    List<Pod> pods = cache.pods();
    for (DaemonSet ds : cache.daemonSets()) {
      if (ds.getMetadata().getDeletionTimestamp() == null) {
        try {
          reconcile(ds, nodes, pods, now);
        } catch (KubernetesClientException e) {
          LOG.warn(
              "daemonset {}/{}: {}",
              ds.getMetadata().getNamespace(),
              ds.getMetadata().getName(),
              e.getMessage());
        }
      }
    }
  }

  private void reconcile(DaemonSet ds, List<Node> nodes, List<Pod> allPods, Instant now) {
    String uid = ds.getMetadata().getUid();
    String ns = ds.getMetadata().getNamespace();
    PodTemplateSpec template = ds.getSpec().getTemplate();
    String revision = revision(template);
    Map<String, Node> fitting = new LinkedHashMap<>();
    nodes.stream()
        .filter(n -> Scheduling.fits(template.getSpec(), n))
        .sorted(Comparator.comparing(n -> n.getMetadata().getName()))
        .forEach(n -> fitting.put(n.getMetadata().getName(), n));
    Map<String, List<Pod>> byNode =
        allPods.stream()
            .filter(p -> PodFacts.controlledBy(p, uid))
            .filter(p -> !pendingDeletes.containsKey(key(p)))
            .collect(Collectors.groupingBy(p -> Objects.toString(p.getSpec().getNodeName(), "")));

    // pods on nodes that no longer fit, and duplicates, go
    byNode.forEach(
        (node, pods) -> {
          if (!fitting.containsKey(node)) {
            pods.forEach(p -> delete(p, now));
          } else if (pods.size() > 1) {
            pods.stream()
                .sorted(Comparator.comparing(p -> p.getMetadata().getCreationTimestamp()))
                .skip(1)
                .forEach(p -> delete(p, now));
          }
        });

    int unavailable = 0;
    List<Pod> oldReady = new ArrayList<>();
    for (String node : fitting.keySet()) {
      List<Pod> pods = byNode.getOrDefault(node, List.of());
      if (pods.isEmpty()) {
        unavailable++;
        if (!pendingCreates.containsKey(uid + "/" + node)) {
          create(ds, template, revision, node, now);
        }
        continue;
      }
      pendingCreates.remove(uid + "/" + node);
      Pod pod = pods.get(0);
      boolean current = revision.equals(label(pod, REVISION_LABEL));
      boolean ready = PodFacts.ready(pod) && !PodFacts.terminating(pod);
      if (!current && !ready && !onDelete(ds)) {
        delete(pod, now); // an old pod that is not serving anyway: no reason to wait
        unavailable++;
      } else if (!current && !onDelete(ds)) {
        oldReady.add(pod);
      } else if (!ready) {
        unavailable++;
      }
    }
    int budget = maxUnavailable(ds, fitting.size()) - unavailable;
    for (Pod pod : oldReady) {
      if (budget-- <= 0) {
        break;
      }
      delete(pod, now);
    }
    updateStatus(ds, fitting.keySet(), byNode, revision);
  }

  private void create(
      DaemonSet ds, PodTemplateSpec template, String revision, String node, Instant now) {
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(REVISION_LABEL, revision);
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(ds.getMetadata().getName() + "-" + PodFacts.suffix())
            .withNamespace(ds.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(
                template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
            .withOwnerReferences(PodFacts.ownerRef(ds))
            .withCreationTimestamp(now.toString())
            .endMetadata()
            .withSpec(Serialization.clone(template.getSpec()))
            .editSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    pendingCreates.put(ds.getMetadata().getUid() + "/" + node, now);
    client.resource(pod).create();
  }

  private void delete(Pod pod, Instant now) {
    pendingDeletes.put(key(pod), now);
    client.resource(pod).delete();
  }

  private void updateStatus(
      DaemonSet ds, java.util.Set<String> fitting, Map<String, List<Pod>> byNode, String revision) {
    int scheduled = 0;
    int ready = 0;
    int updated = 0;
    for (String node : fitting) {
      List<Pod> pods = byNode.getOrDefault(node, List.of());
      if (pods.isEmpty()) {
        continue;
      }
      scheduled++;
      Pod p = pods.get(0);
      if (PodFacts.ready(p)) {
        ready++;
      }
      if (revision.equals(label(p, REVISION_LABEL))) {
        updated++;
      }
    }
    DaemonSetStatus status =
        new DaemonSetStatusBuilder()
            .withDesiredNumberScheduled(fitting.size())
            .withCurrentNumberScheduled(scheduled)
            .withNumberMisscheduled(0)
            .withNumberReady(ready)
            .withNumberAvailable(ready)
            .withNumberUnavailable(fitting.size() - ready)
            .withUpdatedNumberScheduled(updated)
            .withObservedGeneration(ds.getMetadata().getGeneration())
            .build();
    if (!status.equals(ds.getStatus())) {
      DaemonSet copy = Serialization.clone(ds);
      copy.setStatus(status);
      client.resource(copy).updateStatus();
    }
  }

  private static int maxUnavailable(DaemonSet ds, int nodes) {
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy == null
        || strategy.getRollingUpdate() == null
        || strategy.getRollingUpdate().getMaxUnavailable() == null) {
      return 1;
    }
    var v = strategy.getRollingUpdate().getMaxUnavailable();
    if (v.getIntVal() != null) {
      return Math.max(1, v.getIntVal());
    }
    String s = v.getStrVal().replace("%", "").trim();
    // percentages round up, as in the real controller
    return Math.max(1, (int) Math.ceil(nodes * Integer.parseInt(s) / 100.0));
  }

  private static boolean onDelete(DaemonSet ds) {
    return ds.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(ds.getSpec().getUpdateStrategy().getType());
  }

  private static String label(Pod p, String key) {
    return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(key);
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  /** A short hash of the pod template: pods with another hash are from an older revision. */
  public static String revision(PodTemplateSpec template) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(Serialization.asJson(template).getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 5; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
