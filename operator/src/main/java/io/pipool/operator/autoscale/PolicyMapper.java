package io.pipool.operator.autoscale;

import io.pipool.api.v1alpha1.AutoscalingSpec;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.api.v1alpha1.ThermalSpec;
import io.pipool.autoscale.ScalePolicy;
import java.time.Duration;
import java.util.List;

/** Maps a pool's spec to the autoscaler's policy, filling in the HPA's defaults. */
public final class PolicyMapper {

  /** HPA default for scale-up: no window; at most 100% or 4 pods per 15 s, whichever is more. */
  static final ScalePolicy.Rules DEFAULT_UP =
      new ScalePolicy.Rules(
          Duration.ZERO,
          ScalePolicy.Select.Max,
          List.of(
              new ScalePolicy.RatePolicy(true, 100, Duration.ofSeconds(15)),
              new ScalePolicy.RatePolicy(false, 4, Duration.ofSeconds(15))));

  /** HPA default for scale-down: 300 s window; at most 100% per 15 s. */
  static final ScalePolicy.Rules DEFAULT_DOWN =
      new ScalePolicy.Rules(
          Duration.ofSeconds(300),
          ScalePolicy.Select.Max,
          List.of(new ScalePolicy.RatePolicy(true, 100, Duration.ofSeconds(15))));

  private PolicyMapper() {}

  /** The policy for this spec; {@code defaultPoll} applies when the spec leaves it unset. */
  public static ScalePolicy policy(PiServerPoolSpec spec, Duration defaultPoll) {
    AutoscalingSpec a =
        spec.getAutoscaling() == null ? new AutoscalingSpec() : spec.getAutoscaling();
    ThermalSpec t = spec.getThermal() == null ? new ThermalSpec() : spec.getThermal();
    return new ScalePolicy(
        Boolean.TRUE.equals(a.getEnabled()),
        a.getMode() == AutoscalingSpec.Mode.DryRun,
        or(spec.getReplicas(), 1),
        or(a.getMinReplicas(), 1),
        a.getMaxReplicas() == null ? Integer.MAX_VALUE : a.getMaxReplicas(),
        or(a.getTargetConnectionsPerReplica(), 3000),
        a.getTolerance() == null ? 0.1 : a.getTolerance(),
        pollInterval(spec, defaultPoll),
        rules(a.getScaleUp(), DEFAULT_UP),
        rules(a.getScaleDown(), DEFAULT_DOWN),
        t.getDrainCelsius() == null ? 75.0 : t.getDrainCelsius(),
        t.getResumeCelsius() == null ? 65.0 : t.getResumeCelsius(),
        !Boolean.FALSE.equals(t.getTreatThrottledAsHot()));
  }

  /** How often the pool's agents are read. */
  public static Duration pollInterval(PiServerPoolSpec spec, Duration defaultPoll) {
    AutoscalingSpec a = spec.getAutoscaling();
    return a == null || a.getPollIntervalSeconds() == null
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
