package io.pipool.operator.status;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.SysctlReport;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.operator.model.DaemonSetModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether each node holds the pool's sysctls: the init container's exit tells about the apply, the
 * agent's report tells about drift since.
 */
public final class SysctlHealth {

  /**
   * One node's sysctl state.
   *
   * @param state Applied, Drifted, Failed or Unknown
   * @param problems what is wrong, for example "net.core.somaxconn=128 (want 4096)"
   */
  public record NodeSysctls(NodeStatus.SysctlState state, List<String> problems) {}

  /**
   * The pool-wide verdict.
   *
   * @param nodes per node state
   * @param status condition status: True, False or Unknown
   * @param reason Applied, ApplyFailed, Drifted or Pending
   * @param message which nodes and which sysctls
   */
  public record Verdict(
      Map<String, NodeSysctls> nodes, String status, String reason, String message) {}

  private SysctlHealth() {}

  /** Judges every node that has an agent pod. */
  public static Verdict judge(Map<String, Pod> podsByNode, Map<String, AgentStatus> statuses) {
    Map<String, NodeSysctls> nodes = new LinkedHashMap<>();
    podsByNode.forEach((node, pod) -> nodes.put(node, node(pod, statuses.get(node))));
    List<String> failed = new ArrayList<>();
    List<String> drifted = new ArrayList<>();
    boolean anyApplied = false;
    for (var e : nodes.entrySet()) {
      NodeSysctls n = e.getValue();
      switch (n.state()) {
        case Failed -> failed.add(e.getKey() + " (" + String.join(", ", n.problems()) + ")");
        case Drifted -> drifted.add(e.getKey() + " (" + String.join(", ", n.problems()) + ")");
        case Applied -> anyApplied = true;
        default -> {}
      }
    }
    if (!failed.isEmpty()) {
      String message = "apply-sysctls failed on " + String.join("; ", failed);
      if (!drifted.isEmpty()) {
        message += "; drifted on " + String.join("; ", drifted);
      }
      return new Verdict(nodes, "False", "ApplyFailed", message);
    }
    if (!drifted.isEmpty()) {
      return new Verdict(
          nodes, "False", "Drifted", "sysctls drifted on " + String.join("; ", drifted));
    }
    if (anyApplied) {
      return new Verdict(nodes, "True", "Applied", "every node holds the pool's sysctls");
    }
    return new Verdict(nodes, "Unknown", "Pending", "no agent has applied sysctls yet");
  }

  static NodeSysctls node(Pod pod, AgentStatus status) {
    ContainerStatus init = initStatus(pod);
    if (init != null) {
      String failure = failure(init);
      if (failure != null) {
        return new NodeSysctls(NodeStatus.SysctlState.Failed, List.of(failure));
      }
    }
    if (status != null && status.sysctls() != null && !status.sysctls().isEmpty()) {
      List<String> problems = new ArrayList<>();
      for (SysctlReport r : status.sysctls()) {
        if (r.state() != null && r.state() != SysctlReport.State.Applied) {
          problems.add(
              r.name()
                  + "="
                  + (r.actual() == null ? "?" : r.actual())
                  + " (want "
                  + r.desired()
                  + ")");
        }
      }
      return problems.isEmpty()
          ? new NodeSysctls(NodeStatus.SysctlState.Applied, List.of())
          : new NodeSysctls(NodeStatus.SysctlState.Drifted, problems);
    }
    if (init != null
        && init.getState() != null
        && init.getState().getTerminated() != null
        && Integer.valueOf(0).equals(init.getState().getTerminated().getExitCode())) {
      return new NodeSysctls(NodeStatus.SysctlState.Applied, List.of());
    }
    return new NodeSysctls(NodeStatus.SysctlState.Unknown, List.of());
  }

  private static ContainerStatus initStatus(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getInitContainerStatuses().stream()
        .filter(s -> DaemonSetModel.INIT_CONTAINER.equals(s.getName()))
        .findFirst()
        .orElse(null);
  }

  /** Why the init container failed, or null when it did not (yet). */
  private static String failure(ContainerStatus init) {
    ContainerStateTerminated now = init.getState() == null ? null : init.getState().getTerminated();
    if (now != null && now.getExitCode() != null && now.getExitCode() != 0) {
      return describe(now);
    }
    // crash-looping: the current state is waiting, the last run tells why
    ContainerStateTerminated last =
        init.getLastState() == null ? null : init.getLastState().getTerminated();
    if (now == null && last != null && last.getExitCode() != null && last.getExitCode() != 0) {
      return describe(last);
    }
    return null;
  }

  private static String describe(ContainerStateTerminated t) {
    String detail =
        t.getMessage() != null && !t.getMessage().isBlank()
            ? t.getMessage().strip()
            : t.getReason();
    return "exit "
        + t.getExitCode()
        + (detail == null ? "" : ": " + detail.lines().findFirst().orElse(""));
  }
}
