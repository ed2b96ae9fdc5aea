package io.pipool.autoscale;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when the test says so. */
final class SteppingClock extends Clock {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Instant now;

  SteppingClock() {
    this(T0);
  }

  SteppingClock(Instant start) {
    this.now = start;
  }

  void advance(Duration d) {
    now = now.plus(d);
  }

  /** Seconds since {@link #T0}, for readable assertions. */
  long elapsedSeconds() {
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
