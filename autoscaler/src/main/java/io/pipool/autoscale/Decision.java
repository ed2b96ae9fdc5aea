package io.pipool.autoscale;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The outcome of one decision: which nodes serve, why, and what to tell the user.
 *
 * @param serving the nodes that should carry pipool.io/serving=true (in DryRun, what would)
 * @param desiredReplicas the stabilized, clamped recommendation
 * @param nodes every node's new state (phase, since, reason), to be stored in status
 * @param history the recommendation history to store in status (pruned to the longest window)
 * @param scaleTime when the serving set changed size in this decision, else null
 * @param conditions ScalingActive, ScalingLimited and ThermalThrottling
 * @param events what happened, for Kubernetes Events (scales, drains, resumes)
 */
public record Decision(
    Set<String> serving,
    int desiredReplicas,
    List<NodeState> nodes,
    List<Recommendation> history,
    Instant scaleTime,
    List<ConditionResult> conditions,
    List<Event> events) {

  /** One past recommendation. */
  public record Recommendation(Instant time, int replicas) {}

  /** A Kubernetes-style condition (type, status True/False/Unknown, reason, message). */
  public record ConditionResult(String type, String status, String reason, String message) {}

  /**
   * Something a user should see as an Event.
   *
   * @param warning Warning rather than Normal
   * @param reason CamelCase reason, for example ScaledUp, NodeDrained, NodeResumed
   * @param message the numbers that caused it, for example "scaled 3 -> 5: 14,210 connections,
   *     target 3,000 per replica"
   */
  public record Event(boolean warning, String reason, String message) {}
}
