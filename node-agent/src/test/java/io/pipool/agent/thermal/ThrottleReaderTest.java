package io.pipool.agent.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.ThrottleFlags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThrottleReaderTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "throttled=0x0, 0",
        "throttled=0x50005, 327685",
        "'throttled=0x80008\n', 524296",
        "throttled=0xE0000, 917504",
        "throttled=, null",
        "throttled=0xZZ, null",
        "error=1 error_msg=\"Command not registered\", null",
        "null, null"
      })
  void parsesTheHexFlags(String output, Integer raw) {
    assertThat(ThrottleReader.parse(output).map(ThrottleFlags::raw).orElse(null)).isEqualTo(raw);
  }

  @Test
  void decodesTheBitsAsTheFirmwareDefinesThem() {
    ThrottleFlags f = ThrottleReader.parse("throttled=0x50005").orElseThrow();
    assertThat(f.underVoltage()).isTrue();
    assertThat(f.frequencyCapped()).isFalse();
    assertThat(f.throttled()).isTrue();
    assertThat(f.softTemperatureLimit()).isFalse();
    assertThat(f.underVoltageOccurred()).isTrue();
    assertThat(f.throttledOccurred()).isTrue();
    assertThat(f.frequencyCappedOccurred()).isFalse();
  }

  @Test
  void runsTheBinaryWhenItExists() throws Exception {
    Path fake = script("echo throttled=0x4");
    ThrottleReader.Result r = new ThrottleReader(fake).read();
    assertThat(r.error()).isNull();
    assertThat(r.flags().throttled()).isTrue();
  }

  @Test
  void garbledOutputIsReported() throws Exception {
    Path fake = script("echo 'VCHI initialization failed'; exit 1");
    ThrottleReader.Result r = new ThrottleReader(fake).read();
    assertThat(r.flags()).isNull();
    assertThat(r.error()).contains("VCHI initialization failed");
  }

  @Test
  void aMissingBinaryIsNotAnError() {
    ThrottleReader reader = new ThrottleReader(dir.resolve("no-vcgencmd"));
    assertThat(reader.available()).isFalse();
    assertThat(reader.read()).isEqualTo(new ThrottleReader.Result(null, null));
  }

  private Path script(String body) throws Exception {
    Path fake = dir.resolve("vcgencmd");
    TestAgents.write(fake, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    return fake;
  }
}
