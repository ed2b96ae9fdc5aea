package io.pipool.agent.thermal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThermalZonesTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "45123, 45.123",
        "0, 0.0",
        "-5000, -5.0",
        "85000, 85.0",
        "'  61000 ', 61.0",
        "abc, null",
        "'', null",
        "45.5, null",
        "999999, null",
        "null, null"
      })
  void parsesMillidegrees(String raw, Double celsius) {
    assertThat(ThermalZones.parseMillidegrees(raw)).isEqualTo(Optional.ofNullable(celsius));
  }

  @Test
  void prefersTheCpuZoneOverZoneZero() {
    TestAgents.thermalZone(dir, 0, "acpitz", "30000");
    TestAgents.thermalZone(dir, 2, "x86_pkg_temp", "55000");
    TemperatureReading r = new ThermalZones(dir.resolve("sys")).read();
    assertThat(r.celsius()).isEqualTo(55.0);
    assertThat(r.sensor()).isEqualTo("thermal_zone2 (x86_pkg_temp)");
    assertThat(r.error()).isNull();
  }

  @Test
  void raspberryPiCpuThermalIsChosen() {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "61300");
    TestAgents.thermalZone(dir, 1, "rp1_adc", "40000");
    assertThat(new ThermalZones(dir.resolve("sys")).read().celsius()).isEqualTo(61.3);
  }

  @Test
  void fallsBackToZoneZeroWithoutACpuType() {
    TestAgents.thermalZone(dir, 1, "gpu", "70000");
    TestAgents.thermalZone(dir, 0, "board", "42000");
    TestAgents.thermalZone(dir, 10, "other", "90000");
    assertThat(new ThermalZones(dir.resolve("sys")).read().sensor()).startsWith("thermal_zone0 ");
  }

  @Test
  void aGarbledSensorIsReportedNotFatal() {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "N/A");
    TemperatureReading r = new ThermalZones(dir.resolve("sys")).read();
    assertThat(r.celsius()).isNull();
    assertThat(r.sensor()).contains("thermal_zone0");
    assertThat(r.error()).contains("garbled").contains("N/A");
  }

  @Test
  void noThermalFolderIsReported() {
    TemperatureReading r = new ThermalZones(dir.resolve("sys")).read();
    assertThat(r.celsius()).isNull();
    assertThat(r.error()).contains("no thermal zone");
  }

  @Test
  void anUnreadableTempFileIsReported() {
    TestAgents.write(dir.resolve("sys/class/thermal/thermal_zone0/type"), "cpu-thermal\n");
    TemperatureReading r = new ThermalZones(dir.resolve("sys")).read();
    assertThat(r.celsius()).isNull();
    assertThat(r.error()).contains("cannot read");
  }
}
