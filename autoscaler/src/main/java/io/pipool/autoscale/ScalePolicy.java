package io.pipool.autoscale;

import java.time.Duration;
import java.util.List;

/**
 * Everything the decision needs from the pool's spec, with the spec's defaults already applied by
 * the caller (the defaults live in the API, written once); values no spec could hold are refused
 * with a message naming the field.
 *
 * @param autoscalingEnabled false: serve {@code fixedReplicas} nodes (thermal drain still applies)
 * @param dryRun compute and explain, but the caller must not apply the serving set
 * @param fixedReplicas spec.replicas, used when autoscaling is off
 * @param minReplicas lower clamp
 * @param maxReplicas upper clamp, or {@link Integer#MAX_VALUE} when unset
 * @param metrics what to scale on, one entry per metric; the largest proposal wins
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
    List<MetricTarget> metrics,
    Duration pollInterval,
    Rules scaleUp,
    Rules scaleDown,
    double drainCelsius,
    double resumeCelsius,
    boolean treatThrottledAsHot) {

  /** A sample older than this many poll intervals is stale. */
  public static final int STALE_AFTER_INTERVALS = 3;

  public ScalePolicy {
    require(fixedReplicas >= 0, "replicas", fixedReplicas, "0 or more");
    require(minReplicas >= 0, "autoscaling.minReplicas", minReplicas, "0 or more");
    require(
        maxReplicas >= 1 && maxReplicas >= minReplicas,
        "autoscaling.maxReplicas",
        maxReplicas,
        "at least 1 and at least minReplicas (" + minReplicas + ")");
    require(
        metrics != null && !metrics.isEmpty(),
        "autoscaling.metrics",
        metrics,
        "at least one of " + List.of(Metric.values()));
    metrics = List.copyOf(metrics);
    require(
        metrics.stream().map(MetricTarget::metric).distinct().count() == metrics.size(),
        "autoscaling.metrics",
        metrics.stream().map(MetricTarget::metric).toList(),
        "each metric type at most once");
    require(
        pollInterval != null && !pollInterval.isNegative() && !pollInterval.isZero(),
        "autoscaling.pollIntervalSeconds",
        pollInterval == null ? null : pollInterval.toSeconds(),
        "1 or more");
    require(scaleUp != null, "autoscaling.scaleUp", null, "rules");
    require(scaleDown != null, "autoscaling.scaleDown", null, "rules");
    require(
        resumeCelsius < drainCelsius,
        "thermal.resumeCelsius",
        resumeCelsius,
        "below thermal.drainCelsius (" + drainCelsius + ")");
  }

  /** How old a sample may be and still count as fresh. */
  public Duration staleAfter() {
    return pollInterval.multipliedBy(STALE_AFTER_INTERVALS);
  }

  /** The longest rate-policy period of either direction: how long past moves matter. */
  public Duration longestPeriod() {
    Duration longest = Duration.ZERO;
    for (Rules r : List.of(scaleUp, scaleDown)) {
      for (RatePolicy p : r.policies()) {
        longest = p.period().compareTo(longest) > 0 ? p.period() : longest;
      }
    }
    return longest;
  }

  static void require(boolean ok, String field, Object value, String allowed) {
    if (!ok) {
      throw new IllegalArgumentException(
          "spec." + field + " is " + value + ", allowed: " + allowed);
    }
  }

  /** HPA-style behaviour of one direction. */
  public record Rules(Duration stabilizationWindow, Select select, List<RatePolicy> policies) {

    public Rules {
      stabilizationWindow = stabilizationWindow == null ? Duration.ZERO : stabilizationWindow;
      select = select == null ? Select.Max : select;
      policies = policies == null ? List.of() : List.copyOf(policies);
      require(
          !stabilizationWindow.isNegative(),
          "autoscaling.*.stabilizationWindowSeconds",
          stabilizationWindow.toSeconds(),
          // the upper bound is the API's (its schema, checked at admission), not retyped here
          "0 or more");
    }
  }

  /** Which rate policy wins. */
  public enum Select {
    Max,
    Min,
    Disabled
  }

  /** At most {@code value} pods or percent may change per {@code period}. */
  public record RatePolicy(boolean percent, int value, Duration period) {

    public RatePolicy {
      require(value >= 1, "autoscaling.*.policies[].value", value, "1 or more");
      require(
          period != null && !period.isNegative() && !period.isZero(),
          "autoscaling.*.policies[].periodSeconds",
          period == null ? null : period.toSeconds(),
          "1 or more");
    }

    /** At most {@code pods} nodes per period. */
    public static RatePolicy pods(int pods, Duration period) {
      return new RatePolicy(false, pods, period);
    }

    /** At most {@code percent} % of the serving nodes per period. */
    public static RatePolicy percent(int percent, Duration period) {
      return new RatePolicy(true, percent, period);
    }
  }
}
