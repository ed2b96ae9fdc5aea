package io.pipool.simulator.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;

/**
 * The pod statuses the simulated kubelet reports, built as a kubelet fills them in: phase, pod IP
 * (host network: the node's address), the four pod conditions, and a status per container with its
 * state and restart count.
 */
final class PodStatuses {

  static final String PENDING = "Pending";
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String FAILED = "Failed";

  private PodStatuses() {}

  /** An init step failed: the pod stays Pending and the step is tried again after a back-off. */
  static PodStatus initFailed(
      String init, int restarts, List<String> containers, String message, Instant now, String ip) {
    return base(PENDING, ip, now, false, false)
        .withInitContainerStatuses(
            container(init, false, restarts, terminated(1, "Error", message, now)))
        .withContainerStatuses(
            containers.stream()
                .map(c -> container(c, false, 0, waiting("PodInitializing", null)))
                .toList())
        .withMessage(message)
        .build();
  }

  /** The agent exited or could not start: CrashLoopBackOff until it is started again. */
  static PodStatus crashLooping(
      List<String> inits, String container, int restarts, String message, Instant now, String ip) {
    return base(RUNNING, ip, now, true, false)
        .withInitContainerStatuses(completed(inits, now))
        .withContainerStatuses(
            container(container, false, restarts, waiting("CrashLoopBackOff", message)))
        .withMessage(message)
        .build();
  }

  /** The agent runs; {@code ready} is what its readiness probe (/readyz/pod) answered last. */
  static PodStatus running(
      List<String> inits,
      String container,
      int restarts,
      boolean ready,
      Instant startedAt,
      String ip) {
    ContainerStatus main =
        new ContainerStatusBuilder(
                container(
                    container,
                    ready,
                    restarts,
                    new ContainerStateBuilder()
                        .withNewRunning()
                        .withStartedAt(startedAt.toString())
                        .endRunning()
                        .build()))
            .withStarted(true)
            .build();
    return base(RUNNING, ip, startedAt, true, ready)
        .withInitContainerStatuses(completed(inits, startedAt))
        .withContainerStatuses(main)
        .build();
  }

  /** A one-shot pod (a restore Job's) ended. */
  static PodStatus finished(
      String container, boolean succeeded, String message, Instant now, String ip) {
    ContainerState end =
        terminated(succeeded ? 0 : 1, succeeded ? "Completed" : "Error", message, now);
    return base(succeeded ? SUCCEEDED : FAILED, ip, now, true, false)
        .withContainerStatuses(container(container, false, 0, end))
        .withMessage(succeeded ? null : message)
        .build();
  }

  /**
   * The status as a JSON merge patch of the status subresource, so the labels the operator writes
   * are never touched. A merge patch keeps what it leaves out: a cleared message is sent as null.
   */
  static String mergePatch(PodStatus status) {
    ObjectNode body = Serialization.jsonMapper().createObjectNode();
    ObjectNode json = Serialization.jsonMapper().valueToTree(status);
    if (status.getMessage() == null) {
      json.putNull("message");
    }
    body.set("status", json);
    return body.toString();
  }

  private static PodStatusBuilder base(
      String phase, String ip, Instant start, boolean initialized, boolean ready) {
    String at = start.toString();
    return new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(ip)
        .withPodIP(ip)
        .withPodIPs(new PodIP(ip))
        .withStartTime(at)
        .withConditions(
            condition("PodScheduled", true, at),
            condition("Initialized", initialized, at),
            condition("ContainersReady", ready, at),
            condition("Ready", ready, at));
  }

  private static List<ContainerStatus> completed(List<String> names, Instant at) {
    return names.stream()
        .map(n -> container(n, false, 0, terminated(0, "Completed", null, at)))
        .toList();
  }

  private static ContainerStatus container(
      String name, boolean ready, int restarts, ContainerState state) {
    return new ContainerStatusBuilder()
        .withName(name)
        .withReady(ready)
        .withRestartCount(restarts)
        .withImage("pi-pool-agent (simulated)")
        .withImageID("")
        .withState(state)
        .build();
  }

  private static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  private static ContainerState terminated(
      int exitCode, String reason, String message, Instant at) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(exitCode)
        .withReason(reason)
        .withMessage(message)
        .withFinishedAt(at.toString())
        .endTerminated()
        .build();
  }

  private static PodCondition condition(String type, boolean status, String at) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime(at)
        .build();
  }

  /** Whether a pod's reported phase says it has ended. */
  static boolean ended(String phase) {
    return SUCCEEDED.equals(phase) || FAILED.equals(phase);
  }
}
