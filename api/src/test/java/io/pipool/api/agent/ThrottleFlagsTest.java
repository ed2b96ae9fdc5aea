package io.pipool.api.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThrottleFlagsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // raw, underVoltage, capped, throttled, softLimit, anyNow, anySinceBoot
    "0x0, false, false, false, false, false, false",
    "0x50005, true, false, true, false, true, true",
    "0x50000, false, false, false, false, false, true",
    "0x4, false, false, true, false, true, false",
    "0x8, false, false, false, true, true, false",
    "0xE0000, false, false, false, false, false, true",
    "0x2, false, true, false, false, true, false",
  })
  void decodesTheFirmwareBits(
      String hex,
      boolean underVoltage,
      boolean capped,
      boolean throttled,
      boolean soft,
      boolean anyNow,
      boolean anySinceBoot) {
    ThrottleFlags f = ThrottleFlags.of(Integer.decode(hex));
    assertThat(f.underVoltage()).isEqualTo(underVoltage);
    assertThat(f.frequencyCapped()).isEqualTo(capped);
    assertThat(f.throttled()).isEqualTo(throttled);
    assertThat(f.softTemperatureLimit()).isEqualTo(soft);
    assertThat(f.anyNow()).isEqualTo(anyNow);
    assertThat(f.anySinceBoot()).isEqualTo(anySinceBoot);
    assertThat(f.hex()).isEqualTo(hex.toLowerCase());
  }
}
