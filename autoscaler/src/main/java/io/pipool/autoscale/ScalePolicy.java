package io.pipool.autoscale;

import java.time.Duration;
import java.util.List;

/**
 * Everything the decision needs from the pool's spec, with defaults already applied.
 *
 * <p>A null {@code pollInterval}, {@code scaleUp} or {@code scaleDown} means the documented default
 * ({@link #DEFAULT_POLL_INTERVAL}, {@link Rules#hpaScaleUp()}, {@link Rules#hpaScaleDown()});
 * values no spec could hold are refused with a message naming the field.
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

  /** spec.autoscaling.pollIntervalSeconds default. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);

  /** A sample older than this many poll intervals is stale. */
  public static final int STALE_AFTER_INTERVALS = 3;

  public ScalePolicy {
    pollInterval = pollInterval == null ? DEFAULT_POLL_INTERVAL : pollInterval;
    scaleUp = scaleUp == null ? Rules.hpaScaleUp() : scaleUp;
    scaleDown = scaleDown == null ? Rules.hpaScaleDown() : scaleDown;
    require(fixedReplicas >= 0, "replicas", fixedReplicas, "0 or more");
    require(minReplicas >= 0, "autoscaling.minReplicas", minReplicas, "0 or more");
    require(
        maxReplicas >= 1 && maxReplicas >= minReplicas,
        "autoscaling.maxReplicas",
        maxReplicas,
        "at least 1 and at least minReplicas (" + minReplicas + ")");
    require(
        targetConnectionsPerReplica >= 1,
        "autoscaling.targetConnectionsPerReplica",
        targetConnectionsPerReplica,
        "1 or more");
    require(tolerance >= 0 && tolerance <= 1, "autoscaling.tolerance", tolerance, "0 to 1");
    require(
        !pollInterval.isNegative() && !pollInterval.isZero(),
        "autoscaling.pollIntervalSeconds",
        pollInterval.toSeconds(),
        "1 or more");
    require(
        resumeCelsius < drainCelsius,
        "thermal.resumeCelsius",
        resumeCelsius,
        "below thermal.drainCelsius (" + drainCelsius + ")");
  }

  /**
   * The defaults of a PiServerPool with autoscaling on: 1 to unlimited nodes, 3,000 connections per
   * node, 10% tolerance, HPA behaviour, drain at 75 °C, resume below 65 °C, throttled is hot.
   */
  public static ScalePolicy defaults() {
    return new ScalePolicy(
        true,
        false,
        1,
        1,
        Integer.MAX_VALUE,
        3000,
        0.1,
        DEFAULT_POLL_INTERVAL,
        Rules.hpaScaleUp(),
        Rules.hpaScaleDown(),
        75.0,
        65.0,
        true);
  }

  /** How old a sample may be and still count as fresh. */
  public Duration staleAfter() {
    return pollInterval.multipliedBy(STALE_AFTER_INTERVALS);
  }

  private static void require(boolean ok, String field, Object value, String allowed) {
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
          "0 to 3600");
    }

    /** The HPA's scale-up default: no window; the larger of +100% and +4 nodes per 15 s. */
    public static Rules hpaScaleUp() {
      return new Rules(
          Duration.ZERO,
          Select.Max,
          List.of(
              RatePolicy.percent(100, Duration.ofSeconds(15)),
              RatePolicy.pods(4, Duration.ofSeconds(15))));
    }

    /** The HPA's scale-down default: 300 s window; at most -100% per 15 s. */
    public static Rules hpaScaleDown() {
      return new Rules(
          Duration.ofSeconds(300),
          Select.Max,
          List.of(RatePolicy.percent(100, Duration.ofSeconds(15))));
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
          "1 to 1800");
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
