package io.pipool.operator.autoscale;

import io.pipool.api.v1alpha1.AutoscalingSpec;
import io.pipool.api.v1alpha1.Defaults;
import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.api.v1alpha1.ThermalSpec;
import io.pipool.autoscale.Metric;
import io.pipool.autoscale.MetricTarget;
import io.pipool.autoscale.ScalePolicy;
import java.time.Duration;
import java.util.List;

/** Maps a pool's spec to the autoscaler's policy, filling in the API's defaults. */
public final class PolicyMapper {

  /** HPA default for scale-up: no window; at most 100% or 4 pods per period, whichever is more. */
  static final ScalePolicy.Rules DEFAULT_UP =
      new ScalePolicy.Rules(
          Duration.ofSeconds(Defaults.SCALE_UP_WINDOW_SECONDS),
          ScalePolicy.Select.Max,
          List.of(
              ScalePolicy.RatePolicy.percent(Defaults.SCALE_UP_PERCENT, period()),
              ScalePolicy.RatePolicy.pods(Defaults.SCALE_UP_PODS, period())));

  /** HPA default for scale-down: 300 s window; at most 100% per period. */
  static final ScalePolicy.Rules DEFAULT_DOWN =
      new ScalePolicy.Rules(
          Duration.ofSeconds(Defaults.SCALE_DOWN_WINDOW_SECONDS),
          ScalePolicy.Select.Max,
          List.of(ScalePolicy.RatePolicy.percent(Defaults.SCALE_DOWN_PERCENT, period())));

  private PolicyMapper() {}

  private static Duration period() {
    return Duration.ofSeconds(Defaults.RATE_PERIOD_SECONDS);
  }

  /** The policy for this spec; {@code defaultPoll} applies when the spec leaves it unset. */
  public static ScalePolicy policy(PiServerPoolSpec spec, Duration defaultPoll) {
    AutoscalingSpec a = spec.getAutoscaling();
    ThermalSpec t = spec.getThermal();
    double tolerance = a.getTolerance() == null ? Defaults.TOLERANCE : a.getTolerance();
    return new ScalePolicy(
        Boolean.TRUE.equals(a.getEnabled()),
        a.getMode() == AutoscalingSpec.Mode.DryRun,
        or(spec.getReplicas(), Defaults.REPLICAS),
        or(a.getMinReplicas(), Defaults.MIN_REPLICAS),
        a.getMaxReplicas() == null ? Integer.MAX_VALUE : a.getMaxReplicas(),
        a.effectiveMetrics().stream().map(m -> metric(m, tolerance)).toList(),
        pollInterval(spec, defaultPoll),
        rules(a.getScaleUp(), DEFAULT_UP),
        rules(a.getScaleDown(), DEFAULT_DOWN),
        t.getDrainCelsius() == null ? Defaults.DRAIN_CELSIUS : t.getDrainCelsius(),
        t.getResumeCelsius() == null ? Defaults.RESUME_CELSIUS : t.getResumeCelsius(),
        t.getTreatThrottledAsHot() == null
            ? Defaults.TREAT_THROTTLED_AS_HOT
            : t.getTreatThrottledAsHot());
  }

  private static MetricTarget metric(MetricSpec m, double poolTolerance) {
    return new MetricTarget(
        Metric.valueOf(m.getType().name()),
        m.getTarget(),
        m.getTolerance() == null ? poolTolerance : m.getTolerance());
  }

  /** How often the pool's agents are read. */
  public static Duration pollInterval(PiServerPoolSpec spec, Duration defaultPoll) {
    AutoscalingSpec a = spec.getAutoscaling();
    return a.getPollIntervalSeconds() == null
        ? defaultPoll
        : Duration.ofSeconds(a.getPollIntervalSeconds());
  }

  static ScalePolicy.Rules rules(ScalingRules rules, ScalePolicy.Rules defaults) {
    if (rules == null) {
      return defaults;
    }
    Duration window =
        rules.getStabilizationWindowSeconds() == null
            ? defaults.stabilizationWindow()
            : Duration.ofSeconds(rules.getStabilizationWindowSeconds());
    ScalePolicy.Select select =
        rules.getSelectPolicy() == null
            ? defaults.select()
            : ScalePolicy.Select.valueOf(rules.getSelectPolicy().name());
    List<ScalePolicy.RatePolicy> policies =
        rules.getPolicies() == null || rules.getPolicies().isEmpty()
            ? defaults.policies()
            : rules.getPolicies().stream().map(PolicyMapper::rate).toList();
    return new ScalePolicy.Rules(window, select, policies);
  }

  private static ScalePolicy.RatePolicy rate(ScalingPolicy p) {
    return new ScalePolicy.RatePolicy(
        p.getType() == ScalingPolicy.Type.Percent,
        p.getValue(),
        Duration.ofSeconds(p.getPeriodSeconds()));
  }

  private static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
