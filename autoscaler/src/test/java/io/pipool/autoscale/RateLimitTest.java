package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Policies.immediate;
import static io.pipool.autoscale.Policies.policy;
import static io.pipool.autoscale.Policies.rules;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.autoscale.ScalePolicy.RatePolicy;
import io.pipool.autoscale.ScalePolicy.Rules;
import io.pipool.autoscale.ScalePolicy.Select;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HPA's per-period rate policies, one step every 10 s. */
class RateLimitTest {

  private static RatePolicy pods(int n, int seconds) {
    return RatePolicy.pods(n, Duration.ofSeconds(seconds));
  }

  private static RatePolicy percent(int n, int seconds) {
    return RatePolicy.percent(n, Duration.ofSeconds(seconds));
  }

  static Stream<Arguments> scaleUp() {
    return Stream.of(
        Arguments.of(
            "HPA default: max of +100% and +4 per 15 s",
            Policies.hpaScaleUp(), List.of(5, 5, 10, 10)),
        Arguments.of(
            "+1 node per 60 s", rules(0, Select.Max, pods(1, 60)), List.of(2, 2, 2, 2, 2, 2, 3)),
        Arguments.of(
            "Min of +100% and +4 per 15 s",
            rules(0, Select.Min, percent(100, 15), pods(4, 15)), List.of(2, 2, 4, 4, 8, 8, 10)),
        Arguments.of("no policies: straight to the target", immediate(), List.of(10, 10)),
        Arguments.of(
            "Disabled: never up", rules(0, Select.Disabled, pods(4, 15)), List.of(1, 1, 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scaleUp")
  void scaleUpFromOneTowardsTen(String name, Rules up, List<Integer> expected) {
    Loop loop = new Loop(policy().up(up).build(), Fleet.of(10).load(30000), "pi-1");

    assertThat(loop.counts(expected.size())).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> scaleDown() {
    return Stream.of(
        Arguments.of(
            "HPA default rate, no window: -100% per 15 s",
            rules(0, Select.Max, percent(100, 15)), List.of(1, 1)),
        Arguments.of(
            "-1 node per 30 s", rules(0, Select.Max, pods(1, 30)), List.of(5, 5, 5, 4, 4, 4, 3)),
        Arguments.of(
            "Max of -1 node and -50% per 30 s",
            rules(0, Select.Max, pods(1, 30), percent(50, 30)), List.of(3, 3, 3, 1)),
        Arguments.of(
            "Min of -1 node and -50% per 30 s",
            rules(0, Select.Min, pods(1, 30), percent(50, 30)), List.of(5, 5, 5, 4)),
        Arguments.of(
            "Disabled: never down", rules(0, Select.Disabled, pods(4, 15)), List.of(6, 6, 6)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scaleDown")
  void scaleDownFromSixTowardsOne(String name, Rules down, List<Integer> expected) {
    Loop loop =
        new Loop(
            policy().down(down).build(),
            Fleet.of(8).load(1000),
            "pi-1",
            "pi-2",
            "pi-3",
            "pi-4",
            "pi-5",
            "pi-6");

    assertThat(loop.counts(expected.size())).containsExactlyElementsOf(expected);
  }

  @Test
  void aLimitedScaleSaysSoInScalingLimited() {
    Loop loop =
        new Loop(
            policy().up(rules(0, Select.Max, pods(1, 60))).build(),
            Fleet.of(10).load(30000),
            "pi-1");

    Decision d = loop.step();

    assertThat(condition(d, Reasons.SCALING_LIMITED).status()).isEqualTo("True");
    assertThat(condition(d, Reasons.SCALING_LIMITED).reason()).isEqualTo(Reasons.SCALE_UP_LIMIT);
    assertThat(condition(d, Reasons.SCALING_LIMITED).message())
        .isEqualTo("the scaleUp rate policies allow 2 now, desired 10");
    assertThat(d.desiredReplicas()).isEqualTo(2);
  }

  @Test
  void aPercentOnlyPolicyCanStillGrowAPoolAtZero() {
    ScalePolicy p = policy().clamp(0, 10).up(rules(0, Select.Max, percent(100, 15))).build();
    Fleet fleet = Fleet.of(10);
    // Nobody serves, so only connections made straight to a node's address show any load.
    fleet.node("pi-1").extraConnections = 9000;
    Loop loop = new Loop(p, fleet);

    assertThat(loop.counts(3)).containsExactly(1, 1, 2);
  }
}
