package io.pipool.autoscale;

import io.pipool.autoscale.ScalePolicy.RatePolicy;
import io.pipool.autoscale.ScalePolicy.Rules;
import io.pipool.autoscale.ScalePolicy.Select;
import java.time.Duration;
import java.util.List;

/** A fluent way to vary one knob of the default policy in a test. */
final class Policies {

  boolean enabled = true;
  boolean dryRun;
  int fixed = 1;
  int min = 1;
  int max = 10;
  int target = 3000;
  double tolerance = 0.1;
  Duration poll = Duration.ofSeconds(10);
  Rules up = Rules.hpaScaleUp();
  Rules down = Rules.hpaScaleDown();
  double drain = 75;
  double resume = 65;
  boolean throttledIsHot = true;

  static Policies policy() {
    return new Policies();
  }

  /** Rules with no window and no rate limit, for tests about the arithmetic alone. */
  static Rules immediate() {
    return new Rules(Duration.ZERO, Select.Max, List.of());
  }

  static Rules rules(long windowSeconds, Select select, RatePolicy... policies) {
    return new Rules(Duration.ofSeconds(windowSeconds), select, List.of(policies));
  }

  Policies fixed(int replicas) {
    this.enabled = false;
    this.fixed = replicas;
    return this;
  }

  Policies dryRun() {
    this.dryRun = true;
    return this;
  }

  Policies clamp(int min, int max) {
    this.min = min;
    this.max = max;
    return this;
  }

  Policies tolerance(double tolerance) {
    this.tolerance = tolerance;
    return this;
  }

  Policies up(Rules up) {
    this.up = up;
    return this;
  }

  Policies down(Rules down) {
    this.down = down;
    return this;
  }

  Policies immediateBothWays() {
    return up(immediate()).down(immediate());
  }

  Policies throttledIsHot(boolean hot) {
    this.throttledIsHot = hot;
    return this;
  }

  ScalePolicy build() {
    return new ScalePolicy(
        enabled,
        dryRun,
        fixed,
        min,
        max,
        target,
        tolerance,
        poll,
        up,
        down,
        drain,
        resume,
        throttledIsHot);
  }
}
