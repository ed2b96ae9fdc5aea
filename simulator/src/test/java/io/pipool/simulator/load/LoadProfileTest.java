package io.pipool.simulator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LoadProfileTest {

  private static final LoadProfile STORY = LoadProfile.parse("0:0, 30:3000, 60:3000, 80:300");

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "15, 1500",
    "30, 3000",
    "45, 3000",
    "70, 1650",
    "80, 300",
    "500, 300",
  })
  void holdsTheInterpolatedConnectionCount(long seconds, int expected) {
    assertThat(STORY.connectionsAt(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"'0:0,30:3000', '0:0,30:3000'", "'0:0, 1.5s:10', '0:0,1.5:10'"})
  void printsAsItParses(String text, String printed) {
    assertThat(LoadProfile.parse(text).toString()).isEqualTo(printed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "10", "10:x", "-1:5", "5:-5", "1:2:3"})
  void badProfilesAreRefusedWithTheExpectedForm(String text) {
    assertThatThrownBy(() -> LoadProfile.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seconds:connections");
  }

  @ParameterizedTest
  @ValueSource(strings = {"10:5,5:6"})
  void timeMustNotGoBackwards(String text) {
    assertThatThrownBy(() -> LoadProfile.parse(text)).hasMessageContaining("backwards");
  }

  @ParameterizedTest
  @CsvSource({"'0:0,30:3000,60:3000,80:300', 3000, 80"})
  void knowsItsPeakAndLength(String text, int peak, long seconds) {
    LoadProfile p = LoadProfile.parse(text);
    assertThat(p.peak()).isEqualTo(peak);
    assertThat(p.length()).isEqualTo(Duration.ofSeconds(seconds));
  }
}
