package io.pipool.simulator.thermal;

import java.time.Duration;

/**
 * How one simulated Raspberry Pi 4 heats and cools.
 *
 * <p>The SoC settles at {@code ambient + idleRise + loadRise * utilisation}, approaching it
 * exponentially with the time constant (Newton's law of cooling). The defaults follow published
 * measurements of a bare Pi 4 in free air: about 45-50 °C idle and 80-85 °C (throttling) under
 * sustained full load without a fan, about 55-60 °C with a small fan.
 *
 * @param label what makes this node different, shown in the demo ("fanless", "fan", "hot corner")
 * @param ambientCelsius air temperature around the board
 * @param idleRiseCelsius how far above ambient an idle board settles
 * @param loadRiseCelsius extra rise at 100% utilisation
 * @param fullLoadRps request rate that keeps the simulated SoC fully busy
 * @param timeConstant how quickly the board follows a change of load (63% of the way)
 */
public record ThermalProfile(
    String label,
    double ambientCelsius,
    double idleRiseCelsius,
    double loadRiseCelsius,
    double fullLoadRps,
    Duration timeConstant) {

  /** The default full-load rate: matches the load generator's pace of 1 request/s/connection. */
  public static final double DEFAULT_FULL_LOAD_RPS = 1250;

  public ThermalProfile {
    if (fullLoadRps <= 0) {
      throw new IllegalArgumentException("fullLoadRps: must be positive, was " + fullLoadRps);
    }
    if (timeConstant.isNegative() || timeConstant.isZero()) {
      throw new IllegalArgumentException("timeConstant: must be positive, was " + timeConstant);
    }
  }

  /** A bare Pi 4 in a 24 °C room: idle about 46 °C, flat out about 84 °C. */
  public static ThermalProfile fanless(double fullLoadRps) {
    return new ThermalProfile("fanless", 24, 22, 38, fullLoadRps, Duration.ofSeconds(150));
  }

  /** A Pi 4 with a small case fan: idle about 36 °C, flat out about 58 °C. */
  public static ThermalProfile withFan(double fullLoadRps) {
    return new ThermalProfile("fan", 24, 12, 22, fullLoadRps, Duration.ofSeconds(90));
  }

  /** A fanless Pi in a warm corner of the rack (32 °C air): the first to throttle. */
  public static ThermalProfile hotCorner(double fullLoadRps) {
    return new ThermalProfile("hot corner", 32, 22, 38, fullLoadRps, Duration.ofSeconds(150));
  }

  /**
   * The profile of node {@code index} (1-based) in a simulated rack: node 1 has a fan, node 2 sits
   * in a hot corner, the rest are bare boards. Keeps the story varied without configuration.
   */
  public static ThermalProfile forNode(int index, double fullLoadRps) {
    return switch (index) {
      case 1 -> withFan(fullLoadRps);
      case 2 -> hotCorner(fullLoadRps);
      default -> fanless(fullLoadRps);
    };
  }

  /** Where the board settles at this request rate (utilisation capped at 100%). */
  public double steadyStateCelsius(double requestsPerSecond, double extraAmbientCelsius) {
    double utilisation = Math.min(1.0, Math.max(0.0, requestsPerSecond / fullLoadRps));
    return ambientCelsius + extraAmbientCelsius + idleRiseCelsius + loadRiseCelsius * utilisation;
  }
}
