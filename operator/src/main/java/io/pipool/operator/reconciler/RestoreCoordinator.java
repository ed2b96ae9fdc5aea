package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.RestoreStatus;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.model.PoolNames;
import io.pipool.operator.model.RestoreJobModel;
import io.pipool.operator.status.StatusComposer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Deletion with sysctls.restoreOnDelete: stop the agents, run one restore Job per node, wait for
 * them within a bounded time (rescheduling, never blocking), then let the pool go.
 */
final class RestoreCoordinator {

  private final KubernetesClient client;
  private final OperatorConfig config;
  private final Clock clock;
  private final EventRecorder events;

  RestoreCoordinator(
      KubernetesClient client, OperatorConfig config, Clock clock, EventRecorder events) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.events = events;
  }

  /**
   * One step of the restore.
   *
   * @param nodes the pool's nodes now (from the agent pods)
   * @param jobs the pool's restore Jobs as cached
   */
  DeleteControl step(PiServerPool pool, Set<String> nodes, Collection<Job> jobs) {
    RestoreStatus restore = pool.getStatus() == null ? null : pool.getStatus().getRestore();
    if (restore == null || restore.getStartedAt() == null) {
      // No restore in status: none began, or a leader was killed while it created the Jobs
      // (some may be missing), or the cached pool predates the status write. Creating the
      // missing Jobs is right in each case; the timeout runs from the first Job's creation.
      return start(
          pool,
          nodes,
          jobs.stream()
              .map(j -> j.getMetadata().getCreationTimestamp())
              .filter(Objects::nonNull)
              .min(String::compareTo)
              .orElse(clock.instant().toString()));
    }
    Instant started = Instant.parse(restore.getStartedAt());
    List<String> restored = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    Set<String> pending = new TreeSet<>();
    jobs.forEach(
        job -> {
          String node = RestoreJobModel.node(job);
          if (node == null) {
            return;
          }
          if (job.getStatus() != null
              && job.getStatus().getSucceeded() != null
              && job.getStatus().getSucceeded() > 0) {
            restored.add(node);
          } else if (failedReason(job) != null) {
            failed.add(node + ": " + failedReason(job));
          } else {
            pending.add(node);
          }
        });
    restored.sort(null);
    failed.sort(null);
    int total = restore.getTotalNodes() == null ? jobs.size() : restore.getTotalNodes();
    RestoreStatus now = new RestoreStatus();
    now.setStartedAt(restore.getStartedAt());
    now.setTotalNodes(total);
    now.setRestoredNodes(restored);
    now.setFailedNodes(failed);
    if (!Objects.equals(restore.getRestoredNodes(), restored)
        || !Objects.equals(restore.getFailedNodes(), failed)) {
      patchRestore(pool, now);
    }
    if (restored.size() + failed.size() >= total) {
      if (failed.isEmpty()) {
        events.normal(
            pool,
            "SysctlsRestored",
            "original sysctls restored on " + restored.size() + " of " + total + " nodes");
      } else {
        events.warning(
            pool,
            "RestoreFailed",
            "restoring sysctls failed on " + String.join("; ", failed) + "; releasing the pool");
      }
      return DeleteControl.defaultDelete();
    }
    if (!clock.instant().isBefore(started.plus(config.restoreTimeout()))) {
      Set<String> missing = new TreeSet<>(pending);
      if (missing.isEmpty()) {
        missing.add("(no Job found)");
      }
      events.warning(
          pool,
          "RestoreTimedOut",
          "sysctl restore not finished after "
              + config.restoreTimeout().toSeconds()
              + " s on "
              + String.join(", ", missing)
              + "; releasing the pool anyway");
      return DeleteControl.defaultDelete();
    }
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.restoreCheckInterval());
  }

  private DeleteControl start(PiServerPool pool, Set<String> podNodes, String startedAt) {
    Set<String> nodes = new TreeSet<>(podNodes);
    if (pool.getStatus() != null && pool.getStatus().getNodes() != null) {
      pool.getStatus().getNodes().stream()
          .map(NodeStatus::getName)
          .filter(Objects::nonNull)
          .forEach(nodes::add);
    }
    if (nodes.isEmpty()) {
      return DeleteControl.defaultDelete();
    }
    String ns = pool.getMetadata().getNamespace();
    // agents first: a restarting pod's init container would re-apply what the Job restores
    client.apps().daemonSets().inNamespace(ns).withName(PoolNames.agent(pool)).delete();
    for (String node : nodes) {
      Job job =
          RestoreJobModel.job(pool, node, config.defaultAgentImage(), config.restoreTimeout());
      if (client.batch().v1().jobs().inNamespace(ns).withName(job.getMetadata().getName()).get()
          == null) {
        client.resource(job).create();
      }
    }
    RestoreStatus restore = new RestoreStatus();
    restore.setStartedAt(startedAt);
    restore.setTotalNodes(nodes.size());
    restore.setRestoredNodes(List.of());
    restore.setFailedNodes(List.of());
    patchRestore(pool, restore);
    events.normal(
        pool,
        "RestoreStarted",
        "restoring original sysctls on " + nodes.size() + " nodes: " + String.join(", ", nodes));
    return DeleteControl.noFinalizerRemoval().rescheduleAfter(config.restoreCheckInterval());
  }

  private void patchRestore(PiServerPool pool, RestoreStatus restore) {
    // a copy: the pool in hand stays as it was read
    PiServerPoolStatus status =
        pool.getStatus() == null ? new PiServerPoolStatus() : StatusComposer.copy(pool.getStatus());
    status.setRestore(restore);
    // merge patch without resourceVersion: the restore block is ours alone during deletion
    client.resource(StatusWriter.statusOnly(pool, status)).patchStatus();
  }

  static String failedReason(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()))
        .map(JobCondition::getMessage)
        .map(m -> m == null || m.isBlank() ? "Job failed" : m)
        .findFirst()
        .orElse(null);
  }
}
