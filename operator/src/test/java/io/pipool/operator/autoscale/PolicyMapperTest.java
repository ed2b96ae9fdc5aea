package io.pipool.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.AutoscalingSpec;
import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.autoscale.Metric;
import io.pipool.autoscale.MetricTarget;
import io.pipool.autoscale.ScalePolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PolicyMapperTest {

  @Test
  void unsetBehaviourGetsTheHpaDefaults() {
    ScalePolicy p = PolicyMapper.policy(new PiServerPoolSpec(), Duration.ofSeconds(10));
    assertThat(p.autoscalingEnabled()).isFalse();
    assertThat(p.fixedReplicas()).isEqualTo(1);
    assertThat(p.maxReplicas()).isEqualTo(Integer.MAX_VALUE);
    assertThat(p.metrics()).containsExactly(new MetricTarget(Metric.Connections, 3000, 0.1));
    assertThat(p.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.scaleUp().stabilizationWindow()).isZero();
    assertThat(p.scaleUp().select()).isEqualTo(ScalePolicy.Select.Max);
    assertThat(p.scaleUp().policies())
        .containsExactly(
            new ScalePolicy.RatePolicy(true, 100, Duration.ofSeconds(15)),
            new ScalePolicy.RatePolicy(false, 4, Duration.ofSeconds(15)));
    assertThat(p.scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
    assertThat(p.scaleDown().policies())
        .containsExactly(new ScalePolicy.RatePolicy(true, 100, Duration.ofSeconds(15)));
    assertThat(p.drainCelsius()).isEqualTo(75.0);
    assertThat(p.resumeCelsius()).isEqualTo(65.0);
    assertThat(p.treatThrottledAsHot()).isTrue();
  }

  @Test
  void targetConnectionsPerReplicaIsTheOlderSpellingOfOneConnectionsMetric() {
    PiServerPoolSpec spec = new PiServerPoolSpec();
    spec.getAutoscaling().setTargetConnectionsPerReplica(500);
    spec.getAutoscaling().setTolerance(0.2);

    assertThat(PolicyMapper.policy(spec, Duration.ofSeconds(10)).metrics())
        .containsExactly(new MetricTarget(Metric.Connections, 500, 0.2));
  }

  @Test
  void aMetricListReplacesItAndEachMetricMayHaveItsOwnTolerance() {
    PiServerPoolSpec spec = new PiServerPoolSpec();
    spec.getAutoscaling().setTargetConnectionsPerReplica(500);
    MetricSpec rps = new MetricSpec(MetricSpec.Type.RequestsPerSecond, 50);
    rps.setTolerance(0.3);
    spec.getAutoscaling()
        .setMetrics(List.of(new MetricSpec(MetricSpec.Type.Connections, 2000), rps));

    assertThat(PolicyMapper.policy(spec, Duration.ofSeconds(10)).metrics())
        .containsExactly(
            new MetricTarget(Metric.Connections, 2000, 0.1),
            new MetricTarget(Metric.RequestsPerSecond, 50, 0.3));
  }

  @ParameterizedTest(name = "window={0} select={1} policies={2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "null, null, false, 300, Max, 1",
        "60, null, false, 60, Max, 1",
        "null, Disabled, false, 300, Disabled, 1",
        "30, Min, true, 30, Min, 2",
      })
  void partlySetBehaviourKeepsTheDefaultsOfTheRest(
      Integer window,
      ScalingRules.SelectPolicy select,
      boolean policies,
      long expectWindow,
      ScalePolicy.Select expectSelect,
      int expectPolicies) {
    PiServerPoolSpec spec = new PiServerPoolSpec();
    ScalingRules down = new ScalingRules();
    down.setStabilizationWindowSeconds(window);
    down.setSelectPolicy(select);
    if (policies) {
      down.setPolicies(
          List.of(
              new ScalingPolicy(ScalingPolicy.Type.Pods, 1, 60),
              new ScalingPolicy(ScalingPolicy.Type.Percent, 10, 60)));
    }
    spec.getAutoscaling().setScaleDown(down);
    spec.getAutoscaling().setMode(AutoscalingSpec.Mode.DryRun);
    spec.getAutoscaling().setPollIntervalSeconds(5);
    ScalePolicy p = PolicyMapper.policy(spec, Duration.ofSeconds(10));
    assertThat(p.scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(expectWindow));
    assertThat(p.scaleDown().select()).isEqualTo(expectSelect);
    assertThat(p.scaleDown().policies()).hasSize(expectPolicies);
    assertThat(p.dryRun()).isTrue();
    assertThat(p.pollInterval()).isEqualTo(Duration.ofSeconds(5));
  }
}
