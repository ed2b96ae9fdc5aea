package io.pipool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConditionsTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

  @ParameterizedTest(name = "{0} -> {1}: transition moves {2}")
  @CsvSource({
    "True, True, false",
    "True, False, true",
    "False, Unknown, true",
    "False, False, false"
  })
  void lastTransitionTimeMovesOnlyWhenTheStatusChanges(String before, String after, boolean moves) {
    List<Condition> first = Conditions.set(List.of(), "Ready", before, "A", "one", 1L, T0);
    List<Condition> second = Conditions.set(first, "Ready", after, "B", "two", 2L, T1);
    Condition c = Conditions.find(second, "Ready").orElseThrow();
    assertThat(c.getLastTransitionTime()).isEqualTo(moves ? T1.toString() : T0.toString());
    assertThat(c.getReason()).isEqualTo("B");
    assertThat(c.getMessage()).isEqualTo("two");
    assertThat(c.getObservedGeneration()).isEqualTo(2L);
    assertThat(second).hasSize(1);
  }

  @ParameterizedTest(name = "order {0}")
  @CsvSource({"ThermalThrottling;Ready;Valid", "Valid;ThermalThrottling;Ready"})
  void conditionsAreListedInAFixedOrderWhateverTheOrderTheyWereSet(String order) {
    List<Condition> c = List.of();
    for (String type : order.split(";")) {
      c = Conditions.set(c, type, "True", "R", "m", 1L, T0);
    }
    assertThat(c)
        .extracting(Condition::getType)
        .containsExactly("Ready", "Valid", "ThermalThrottling");
  }
}
