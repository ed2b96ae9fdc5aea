package io.pipool.agent.balancer;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.agent.AgentStatus.ServingMode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AgentCheckReplyTest {

  private static AgentCheckReply.Inputs in(
      ServingMode mode, Double celsius, int connections, int cap) {
    return new AgentCheckReply.Inputs(mode, celsius, 75.0, connections, cap);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // cool and idle: full weight
        Arguments.of(in(ServingMode.Serving, 45.0, 0, 4000), "up ready 100%\n", 100),
        // the thermal falloff starts 15 °C below drainCelsius (75): 60 °C is still full weight
        Arguments.of(in(ServingMode.Serving, 60.0, 0, 4000), "up ready 100%\n", 100),
        // halfway into the falloff: 100 - 90 * 0.5 = 55
        Arguments.of(in(ServingMode.Serving, 67.5, 0, 4000), "up ready 55%\n", 55),
        Arguments.of(in(ServingMode.Serving, 72.0, 0, 4000), "up ready 28%\n", 28),
        // at and past drainCelsius, before the operator drains it: the floor, still in rotation
        Arguments.of(in(ServingMode.Serving, 75.0, 0, 4000), "up ready 10%\n", 10),
        Arguments.of(in(ServingMode.Serving, 79.9, 0, 4000), "up ready 10%\n", 10),
        // connections: nothing below half the cap, then down to the floor at the cap
        Arguments.of(in(ServingMode.Serving, 50.0, 2000, 4000), "up ready 100%\n", 100),
        Arguments.of(in(ServingMode.Serving, 50.0, 3000, 4000), "up ready 55%\n", 55),
        Arguments.of(in(ServingMode.Serving, 50.0, 4000, 4000), "up ready 10%\n", 10),
        // the tighter headroom wins: 67.5 °C (55%) and 3600 of 4000 (28%)
        Arguments.of(in(ServingMode.Serving, 67.5, 3600, 4000), "up ready 28%\n", 28),
        // an unreadable sensor leaves the weight to the connections
        Arguments.of(in(ServingMode.Serving, null, 3000, 4000), "up ready 55%\n", 55),
        // out of rotation by the operator: drain, whatever the weight would be
        Arguments.of(in(ServingMode.Standby, 45.0, 0, 4000), "up drain\n", 0),
        // shedding at the critical temperature: down
        Arguments.of(in(ServingMode.Shedding, 81.0, 100, 4000), "down #shedding load\n", 0),
        // shutting down
        Arguments.of(in(ServingMode.Draining, 50.0, 10, 4000), "down drain #shutting down\n", 0));
  }

  @ParameterizedTest
  @MethodSource("table")
  void answersWithTheStateAndWeightHaproxyShouldHold(
      AgentCheckReply.Inputs in, String line, int weight) {
    AgentCheckReply r = AgentCheckReply.of(in);
    assertThat(r.line()).isEqualTo(line);
    assertThat(r.weightPercent()).isEqualTo(weight);
  }

  @ParameterizedTest
  @MethodSource("table")
  void everyServingAnswerSaysReadySoAnEarlierDrainDoesNotStick(
      AgentCheckReply.Inputs in, String line, int weight) {
    AgentCheckReply r = AgentCheckReply.of(in);
    assertThat(r.line()).endsWith("\n").doesNotContain("\n\n");
    if (in.mode() == ServingMode.Serving) {
      assertThat(r.line()).startsWith("up ready ");
      assertThat(r.weightPercent()).isBetween(AgentCheckReply.FLOOR_PERCENT, 100);
    }
  }
}
