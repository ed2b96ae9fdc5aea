package io.pipool.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.prometheus.client.CollectorRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  private final CollectorRegistry registry = new CollectorRegistry();
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  private Double condition(String type, String status) {
    return registry.getSampleValue(
        "pipool_operator_condition",
        new String[] {"namespace", "pool", "type", "status"},
        new String[] {"ns", "web", type, status});
  }

  private static Condition cond(String type, String status) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason("R").build();
  }

  @Test
  void conditionGaugeFollowsThePoolsConditionsSoAlertsCanFire() {
    metrics.conditions("ns", "web", List.of(cond("ScalingLimited", "True")));
    assertThat(condition("ScalingLimited", "True")).isEqualTo(1.0);
    assertThat(condition("ScalingLimited", "False")).isEqualTo(0.0);

    metrics.conditions("ns", "web", List.of(cond("ScalingLimited", "False")));
    assertThat(condition("ScalingLimited", "True")).isEqualTo(0.0);
    assertThat(condition("ScalingLimited", "False")).isEqualTo(1.0);
  }

  @Test
  void deletedPoolLeavesNoConditionSeries() {
    metrics.conditions("ns", "web", List.of(cond("Ready", "True")));
    metrics.forget("ns", "web");
    assertThat(condition("Ready", "True")).isNull();
  }
}
