package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Job controller of the embedded API server, enough for the operator's restore Jobs: one pod at
 * a time from the template, retried up to backoffLimit, and the Job's status (succeeded or failed
 * counts, Complete or Failed condition) from the pods' phases. The pods themselves are run by the
 * simulated kubelet of the node they are pinned to.
 */
public final class JobController implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

  private final KubernetesClient client;
  private final ClusterCache cache;
  private final Clock clock;
  private final Map<String, Instant> pendingCreates = new ConcurrentHashMap<>();

  /** A controller writing through {@code client} and reading from {@code cache}. */
  public JobController(KubernetesClient client, ClusterCache cache, Clock clock) {
    this.client = client;
    this.cache = cache;
    this.clock = clock;
  }

  @Override
  public void run() {
    Instant now = clock.instant();
    pendingCreates.values().removeIf(t -> t.plus(Duration.ofSeconds(15)).isBefore(now));
    List<Pod> pods = cache.pods();
    for (Job job : cache.jobs()) {
      if (finished(job) || PodFacts.terminating(job)) {
        continue;
      }
      try {
        reconcile(job, pods, now);
      } catch (KubernetesClientException e) {
        LOG.warn(
            "job {}/{}: {}",
            job.getMetadata().getNamespace(),
            job.getMetadata().getName(),
            e.getMessage());
      }
    }
  }

  private void reconcile(Job job, List<Pod> allPods, Instant now) {
    String uid = job.getMetadata().getUid();
    List<Pod> pods = new ArrayList<>();
    for (Pod p : allPods) {
      if (PodFacts.controlledBy(p, uid)) {
        pods.add(p);
      }
    }
    if (!pods.isEmpty()) {
      pendingCreates.remove(uid);
    }
    long succeeded = pods.stream().filter(p -> "Succeeded".equals(PodFacts.phase(p))).count();
    long failed = pods.stream().filter(p -> "Failed".equals(PodFacts.phase(p))).count();
    long active = pods.size() - succeeded - failed;
    int backoffLimit =
        job.getSpec().getBackoffLimit() == null ? 6 : job.getSpec().getBackoffLimit();
    String start =
        job.getStatus() != null && job.getStatus().getStartTime() != null
            ? job.getStatus().getStartTime()
            : now.toString();
    JobStatus status = new JobStatus();
    status.setStartTime(start);
    status.setActive(active == 0 ? null : (int) active);
    status.setSucceeded(succeeded == 0 ? null : (int) succeeded);
    status.setFailed(failed == 0 ? null : (int) failed);
    if (succeeded > 0) {
      status.setCompletionTime(now.toString());
      status.setConditions(
          List.of(
              condition("SuccessCriteriaMet", "CompletionsReached", "", now),
              condition("Complete", "CompletionsReached", "", now)));
    } else if (failed > backoffLimit) {
      status.setConditions(
          List.of(
              condition("FailureTarget", "BackoffLimitExceeded", failureMessage(pods), now),
              condition("Failed", "BackoffLimitExceeded", failureMessage(pods), now)));
    } else if (active == 0 && !pendingCreates.containsKey(uid)) {
      createPod(job, now);
      status.setActive(1);
    }
    if (!sameCounts(status, job.getStatus())) {
      Job copy = Serialization.clone(job);
      copy.setStatus(status);
      client.resource(copy).updateStatus();
    }
  }

  private void createPod(Job job, Instant now) {
    var template = job.getSpec().getTemplate();
    Map<String, String> labels = new HashMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put("job-name", job.getMetadata().getName());
    labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-" + PodFacts.suffix())
            .withNamespace(job.getMetadata().getNamespace())
            .withLabels(labels)
            .withOwnerReferences(PodFacts.ownerRef(job))
            .withCreationTimestamp(now.toString())
            .endMetadata()
            .withSpec(Serialization.clone(template.getSpec()))
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    pendingCreates.put(job.getMetadata().getUid(), now);
    client.resource(pod).create();
  }

  private static String failureMessage(List<Pod> pods) {
    return pods.stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getMessage() != null)
        .map(p -> p.getStatus().getMessage())
        .reduce((a, b) -> b)
        .orElse("Job has reached the specified backoff limit");
  }

  private static JobCondition condition(String type, String reason, String message, Instant now) {
    return new JobConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(message)
        .withLastProbeTime(now.toString())
        .withLastTransitionTime(now.toString())
        .build();
  }

  private static boolean sameCounts(JobStatus a, JobStatus b) {
    if (b == null) {
      return false;
    }
    return java.util.Objects.equals(a.getActive(), b.getActive())
        && java.util.Objects.equals(a.getSucceeded(), b.getSucceeded())
        && java.util.Objects.equals(a.getFailed(), b.getFailed())
        && java.util.Objects.equals(conditionTypes(a), conditionTypes(b));
  }

  private static List<String> conditionTypes(JobStatus s) {
    return s.getConditions() == null
        ? List.of()
        : s.getConditions().stream().map(JobCondition::getType).toList();
  }

  /** True when the Job has a Complete or Failed condition. */
  public static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }
}
