package io.pipool.autoscale;

import java.time.Duration;
import java.util.List;

/**
 * Everything the decision needs from the pool's spec, with defaults already applied.
 *
 * @param autoscalingEnabled false: serve {@code fixedReplicas} nodes (thermal drain still applies)
 * @param dryRun compute and explain, but the caller must not apply the serving set
 * @param fixedReplicas spec.replicas, used when autoscaling is off
 * @param minReplicas lower clamp
 * @param maxReplicas upper clamp, or {@link Integer#MAX_VALUE} when unset
 * @param targetConnectionsPerReplica connections one serving node should carry
 * @param tolerance no change while the ratio to target is within 1 +/- tolerance
 * @param pollInterval how often samples arrive; a sample older than 3 intervals is stale
 * @param scaleUp behaviour when adding nodes
 * @param scaleDown behaviour when removing nodes
 * @param drainCelsius a node at or above this leaves rotation
 * @param resumeCelsius a hot node may return only below this
 * @param treatThrottledAsHot a throttled node counts as hot
 */
public record ScalePolicy(
    boolean autoscalingEnabled,
    boolean dryRun,
    int fixedReplicas,
    int minReplicas,
    int maxReplicas,
    int targetConnectionsPerReplica,
    double tolerance,
    Duration pollInterval,
    Rules scaleUp,
    Rules scaleDown,
    double drainCelsius,
    double resumeCelsius,
    boolean treatThrottledAsHot) {

  /** HPA-style behaviour of one direction. */
  public record Rules(Duration stabilizationWindow, Select select, List<RatePolicy> policies) {}

  /** Which rate policy wins. */
  public enum Select {
    Max,
    Min,
    Disabled
  }

  /** At most {@code value} pods or percent may change per {@code period}. */
  public record RatePolicy(boolean percent, int value, Duration period) {}
}
