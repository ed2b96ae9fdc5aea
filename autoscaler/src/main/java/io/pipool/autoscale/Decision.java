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
 * @param moves the scale moves to store in status (pruned to the longest rate-policy period)
 * @param scaleTime when the serving set changed size in this decision, else null
 * @param metrics each metric's current average, target and proposal; empty when none was judged
 * @param overThreshold nodes whose fresh sample is at or above drain or throttled (hysteresis
 *     aside): the moment the operator times until their label is removed
 * @param conditions ScalingActive, ScalingLimited and ThermalThrottling
 * @param events what happened, for Kubernetes Events (scales, drains, resumes)
 */
public record Decision(
    Set<String> serving,
    int desiredReplicas,
    List<NodeState> nodes,
    List<Recommendation> history,
    List<ScaleMove> moves,
    Instant scaleTime,
    List<MetricValue> metrics,
    Set<String> overThreshold,
    List<ConditionResult> conditions,
    List<Event> events) {

  /** What to hand the next decision. */
  public Memory memory() {
    return new Memory(nodes, history, moves);
  }

  /** One past recommendation. */
  public record Recommendation(Instant time, int replicas) {}

  /**
   * One metric as this decision judged it, like an HPA's currentMetrics entry.
   *
   * @param metric which signal
   * @param current average per serving node over the nodes that answered, null when none did
   * @param target the average per serving node aimed for
   * @param proposed the replica count this metric alone asks for, null without data
   * @param drives this metric's proposal is the one the decision followed (the largest)
   */
  public record MetricValue(
      Metric metric, Double current, double target, Integer proposed, boolean drives) {}

  /** A Kubernetes-style condition (type, status True/False/Unknown, reason, message). */
  public record ConditionResult(String type, String status, String reason, String message) {}

  /**
   * Something a user should see as an Event.
   *
   * @param warning Warning rather than Normal
   * @param reason CamelCase reason, for example ScaledUp, NodeDrained, NodeResumed
   * @param message the numbers that caused it, for example "scaled 3 -> 5: Connections 2,842 per
   *     node (target 3,000) proposes 5"
   */
  public record Event(boolean warning, String reason, String message) {}
}
