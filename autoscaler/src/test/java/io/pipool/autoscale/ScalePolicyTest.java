package io.pipool.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipool.autoscale.ScalePolicy.RatePolicy;
import io.pipool.autoscale.ScalePolicy.Rules;
import io.pipool.autoscale.ScalePolicy.Select;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Defaults match the HPA and the documentation; impossible settings name their field. */
class ScalePolicyTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ScalePolicy p = Policies.defaults();

    assertThat(p.metrics()).containsExactly(new MetricTarget(Metric.Connections, 3000, 0.1));
    assertThat(p.staleAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.drainCelsius()).isEqualTo(75.0);
    assertThat(p.resumeCelsius()).isEqualTo(65.0);
    assertThat(p.scaleUp().stabilizationWindow()).isZero();
    assertThat(p.scaleUp().select()).isEqualTo(Select.Max);
    assertThat(p.scaleUp().policies())
        .containsExactly(
            RatePolicy.percent(100, Duration.ofSeconds(15)),
            RatePolicy.pods(4, Duration.ofSeconds(15)));
    assertThat(p.scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(300));
    assertThat(p.scaleDown().policies())
        .containsExactly(RatePolicy.percent(100, Duration.ofSeconds(15)));
  }

  @Test
  void missingRulesOrPollIntervalAreRefusedByName() {
    Policies p = Policies.policy();
    p.poll = null;
    assertThatThrownBy(p::build).hasMessageStartingWith("spec.autoscaling.pollIntervalSeconds");
    assertThat(new Rules(null, null, null)).isEqualTo(Policies.immediate());
  }

  @Test
  void aMetricListedTwiceIsRefused() {
    MetricTarget c = new MetricTarget(Metric.Connections, 3000, 0.1);
    Policies p = Policies.policy();
    assertThatThrownBy(
            () ->
                new ScalePolicy(
                    true, false, 1, 1, 5, List.of(c, c), p.poll, p.up, p.down, 75, 65, true))
        .hasMessage(
            "spec.autoscaling.metrics is [Connections, Connections], allowed: each metric type at"
                + " most once");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            (Consumer<Policies>) p -> p.clamp(-1, 5), "spec.autoscaling.minReplicas is -1"),
        Arguments.of((Consumer<Policies>) p -> p.clamp(4, 3), "spec.autoscaling.maxReplicas is 3"),
        Arguments.of(
            (Consumer<Policies>) p -> p.target = 0,
            "spec.autoscaling.metrics[Connections].target is 0.0, allowed: above 0"),
        Arguments.of(
            (Consumer<Policies>) p -> p.tolerance = 1.5,
            "spec.autoscaling.metrics[Connections].tolerance is 1.5, allowed: 0 to 1"),
        Arguments.of(
            (Consumer<Policies>) p -> p.poll = Duration.ZERO,
            "spec.autoscaling.pollIntervalSeconds is 0"),
        Arguments.of(
            (Consumer<Policies>) p -> p.resume = 80,
            "spec.thermal.resumeCelsius is 80.0, allowed: below thermal.drainCelsius (75.0)"),
        Arguments.of((Consumer<Policies>) p -> p.fixed(-2), "spec.replicas is -2"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void impossibleSettingsAreRefusedByName(Consumer<Policies> change, String message) {
    Policies p = Policies.policy();
    change.accept(p);

    assertThatThrownBy(p::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void ratePoliciesNeedAPositiveValueAndPeriod() {
    assertThatThrownBy(() -> RatePolicy.pods(0, Duration.ofSeconds(15)))
        .hasMessageStartingWith("spec.autoscaling.*.policies[].value is 0");
    assertThatThrownBy(() -> RatePolicy.percent(10, Duration.ZERO))
        .hasMessageStartingWith("spec.autoscaling.*.policies[].periodSeconds is 0");
  }
}
