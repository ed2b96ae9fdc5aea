package io.pipool.autoscale;

import io.pipool.api.v1alpha1.Defaults;
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
  int target = Defaults.TARGET_CONNECTIONS;
  double tolerance = Defaults.TOLERANCE;
  Duration poll = Duration.ofSeconds(Defaults.POLL_INTERVAL_SECONDS);
  Double rpsTarget;
  Rules up = hpaScaleUp();
  Rules down = hpaScaleDown();
  double drain = Defaults.DRAIN_CELSIUS;
  double resume = Defaults.RESUME_CELSIUS;
  boolean throttledIsHot = Defaults.TREAT_THROTTLED_AS_HOT;

  static Policies policy() {
    return new Policies();
  }

  /** The scale-up behaviour a pool gets by default (the HPA's). */
  static Rules hpaScaleUp() {
    Duration period = Duration.ofSeconds(Defaults.RATE_PERIOD_SECONDS);
    return new Rules(
        Duration.ofSeconds(Defaults.SCALE_UP_WINDOW_SECONDS),
        Select.Max,
        List.of(
            RatePolicy.percent(Defaults.SCALE_UP_PERCENT, period),
            RatePolicy.pods(Defaults.SCALE_UP_PODS, period)));
  }

  /** The scale-down behaviour a pool gets by default (the HPA's). */
  static Rules hpaScaleDown() {
    return new Rules(
        Duration.ofSeconds(Defaults.SCALE_DOWN_WINDOW_SECONDS),
        Select.Max,
        List.of(
            RatePolicy.percent(
                Defaults.SCALE_DOWN_PERCENT, Duration.ofSeconds(Defaults.RATE_PERIOD_SECONDS))));
  }

  /** The policy of a pool that sets nothing but autoscaling.enabled. */
  static ScalePolicy defaults() {
    return new Policies().clamp(Defaults.MIN_REPLICAS, Integer.MAX_VALUE).build();
  }

  /** Also scale on requests per second, aiming at {@code target} per serving node. */
  Policies requestsPerSecond(double target) {
    this.rpsTarget = target;
    return this;
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

  private List<MetricTarget> metrics() {
    MetricTarget connections = new MetricTarget(Metric.Connections, target, tolerance);
    return rpsTarget == null
        ? List.of(connections)
        : List.of(connections, new MetricTarget(Metric.RequestsPerSecond, rpsTarget, tolerance));
  }

  ScalePolicy build() {
    return new ScalePolicy(
        enabled, dryRun, fixed, min, max, metrics(), poll, up, down, drain, resume, throttledIsHot);
  }
}
