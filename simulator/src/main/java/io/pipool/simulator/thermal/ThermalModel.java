package io.pipool.simulator.thermal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The SoC temperature of one simulated Pi: heated by its request rate, cooled towards ambient
 * (Newton's law of cooling), advanced by a clock that may run faster than the wall clock.
 *
 * <p>Each step uses the exact solution of {@code dT/dt = (target - T) / tau} for the elapsed time,
 * so large steps (a sped-up clock, a slow machine) stay stable and never overshoot.
 */
public final class ThermalModel {

  private final ThermalProfile profile;
  private final Clock clock;
  private final double speed;
  private Instant last;
  private double celsius;
  private double extraAmbientCelsius;

  /**
   * A board that starts at its idle temperature.
   *
   * @param profile how the board heats and cools
   * @param clock the wall clock (a stepping clock in tests)
   * @param speed simulated seconds per wall-clock second (1 = real time)
   */
  public ThermalModel(ThermalProfile profile, Clock clock, double speed) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("speed: must be positive, was " + speed);
    }
    this.profile = profile;
    this.clock = clock;
    this.speed = speed;
    this.last = clock.instant();
    this.celsius = profile.steadyStateCelsius(0, 0);
  }

  /** Advances to the clock's now with the request rate seen since the last step; returns °C. */
  public synchronized double step(double requestsPerSecond) {
    Instant now = clock.instant();
    Duration wall = Duration.between(last, now);
    last = now;
    if (wall.isNegative() || wall.isZero()) {
      return celsius;
    }
    double simulatedSeconds = wall.toNanos() / 1e9 * speed;
    double tau = profile.timeConstant().toNanos() / 1e9;
    double target = profile.steadyStateCelsius(requestsPerSecond, extraAmbientCelsius);
    celsius = target + (celsius - target) * Math.exp(-simulatedSeconds / tau);
    return celsius;
  }

  /**
   * Raises (or, back at 0, restores) the air temperature around this board, as a failed case fan or
   * afternoon sun would. Takes effect gradually through the following steps.
   */
  public synchronized void setExtraAmbient(double celsiusAboveRoom) {
    this.extraAmbientCelsius = celsiusAboveRoom;
  }

  /** The extra air temperature set by {@link #setExtraAmbient}. */
  public synchronized double extraAmbient() {
    return extraAmbientCelsius;
  }

  /** The temperature after the latest step. */
  public synchronized double celsius() {
    return celsius;
  }

  /** How this board heats and cools. */
  public ThermalProfile profile() {
    return profile;
  }
}
