package io.pipool.agent.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShedPolicyTest {

  private final ShedPolicy policy = new ShedPolicy(80, 75, true);

  @ParameterizedTest(name = "shedding={0}, {1} °C, throttled={2} -> {3}")
  @CsvSource(
      nullValues = "null",
      value = {
        "false, 60, false, false",
        "false, 79.9, false, false",
        "false, 80, false, true",
        "false, 90, false, true",
        "true, 78, false, true", // inside the hysteresis band: keep shedding
        "true, 75, false, true",
        "true, 74.9, false, false",
        "false, 60, true, true", // throttled counts as hot
        "true, 60, true, true",
        "false, null, false, false", // unknown temperature never starts shedding
        "true, null, false, true" // ...and never ends it
      })
  void hysteresis(boolean shedding, Double celsius, boolean throttled, boolean expected) {
    assertThat(policy.next(shedding, celsius, throttled)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"false, false", "true, true"})
  void throttlingOnlyCountsWhenConfigured(boolean treatAsHot, boolean expected) {
    assertThat(new ShedPolicy(80, 75, treatAsHot).next(false, 50.0, true)).isEqualTo(expected);
  }
}
