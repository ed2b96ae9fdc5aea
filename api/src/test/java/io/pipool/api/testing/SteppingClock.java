package io.pipool.api.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The one test clock of the project: it moves only when a test steps it. Shared through the api
 * module's test-jar, so the autoscaler, the operator and the simulator step time the same way. Safe
 * to read from other threads (the operator's reconciler and poller read it).
 */
public final class SteppingClock extends Clock {

  /** Where a clock made without a start begins. */
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private volatile Instant now;

  public SteppingClock() {
    this(T0);
  }

  public SteppingClock(Instant start) {
    this.now = start;
  }

  /** Moves the clock forward. */
  public synchronized void advance(Duration by) {
    now = now.plus(by);
  }

  /** Seconds since {@link #T0}, for readable assertions. */
  public long elapsedSeconds() {
    return Duration.between(T0, now).toSeconds();
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
