package io.pipool.agent.thermal;

/**
 * One sensor reading.
 *
 * @param celsius the temperature, null when it could not be read
 * @param sensor which zone was read, for example {@code thermal_zone0 (cpu-thermal)}
 * @param error why it could not be read, null when it could
 */
public record TemperatureReading(Double celsius, String sensor, String error) {

  /** A failed reading. */
  public static TemperatureReading failed(String sensor, String error) {
    return new TemperatureReading(null, sensor, error);
  }
}
