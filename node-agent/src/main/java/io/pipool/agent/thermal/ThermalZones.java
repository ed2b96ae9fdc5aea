package io.pipool.agent.thermal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads the SoC temperature from {@code class/thermal/thermal_zone*} under a sysfs root: prefers
 * the zone whose {@code type} names the CPU or SoC, else zone 0, else the first zone.
 */
public final class ThermalZones {

  /** Zone types that measure the CPU/SoC (Raspberry Pi, x86, other ARM boards). */
  static final List<String> CPU_TYPES =
      List.of("cpu-thermal", "cpu_thermal", "x86_pkg_temp", "soc_thermal", "soc-thermal", "cpu");

  private final Path thermalDir;

  /** Zones under {@code sysfsRoot}/class/thermal. */
  public ThermalZones(Path sysfsRoot) {
    this.thermalDir = sysfsRoot.resolve("class").resolve("thermal");
  }

  /** Reads the preferred zone; never throws. */
  public TemperatureReading read() {
    Optional<Path> zone;
    try {
      zone = choose();
    } catch (IOException e) {
      return TemperatureReading.failed(null, "cannot list " + thermalDir + ": " + e.getMessage());
    }
    if (zone.isEmpty()) {
      return TemperatureReading.failed(null, "no thermal zone under " + thermalDir);
    }
    Path z = zone.get();
    String type = type(z).orElse("unknown type");
    String sensor = z.getFileName() + " (" + type + ")";
    String raw;
    try {
      raw = Files.readString(z.resolve("temp")).trim();
    } catch (IOException e) {
      return TemperatureReading.failed(sensor, "cannot read " + z.resolve("temp") + ": " + e);
    }
    return parseMillidegrees(raw)
        .map(c -> new TemperatureReading(c, sensor, null))
        .orElseGet(
            () ->
                TemperatureReading.failed(
                    sensor, "garbled reading \"" + abbreviate(raw) + "\" (expected millidegrees)"));
  }

  /** Parses a sysfs temperature in millidegrees Celsius; empty when not a plausible number. */
  public static Optional<Double> parseMillidegrees(String raw) {
    if (raw == null || !raw.trim().matches("-?\\d{1,7}")) {
      return Optional.empty();
    }
    double c = Long.parseLong(raw.trim()) / 1000.0;
    // Below -60 or above 200 °C is a broken sensor, not a temperature.
    return c < -60 || c > 200 ? Optional.empty() : Optional.of(c);
  }

  Optional<Path> choose() throws IOException {
    if (!Files.isDirectory(thermalDir)) {
      return Optional.empty();
    }
    List<Path> zones;
    try (Stream<Path> s = Files.list(thermalDir)) {
      zones =
          s.filter(p -> p.getFileName().toString().matches("thermal_zone\\d+"))
              .sorted(Comparator.comparingInt(ThermalZones::index))
              .toList();
    }
    for (String wanted : CPU_TYPES) {
      for (Path z : zones) {
        if (type(z).map(t -> t.toLowerCase(Locale.ROOT).equals(wanted)).orElse(false)) {
          return Optional.of(z);
        }
      }
    }
    return zones.stream()
        .filter(z -> z.getFileName().toString().equals("thermal_zone0"))
        .findFirst()
        .or(() -> zones.stream().findFirst());
  }

  private static int index(Path zone) {
    return Integer.parseInt(zone.getFileName().toString().substring("thermal_zone".length()));
  }

  private static Optional<String> type(Path zone) {
    try {
      return Optional.of(Files.readString(zone.resolve("type")).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
