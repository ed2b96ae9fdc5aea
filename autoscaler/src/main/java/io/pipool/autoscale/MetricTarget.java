package io.pipool.autoscale;

/**
 * One metric the pool scales on: the average per serving node to aim for, and how far from it the
 * load may drift before the metric proposes a change.
 *
 * @param metric which signal
 * @param target average per serving node, above 0
 * @param tolerance no proposal to change while the ratio to target is within 1 +/- this (0 to 1)
 */
public record MetricTarget(Metric metric, double target, double tolerance) {

  public MetricTarget {
    ScalePolicy.require(metric != null, "autoscaling.metrics[].type", null, "a metric type");
    ScalePolicy.require(
        target > 0, "autoscaling.metrics[" + metric + "].target", target, "above 0");
    ScalePolicy.require(
        tolerance >= 0 && tolerance <= 1,
        "autoscaling.metrics[" + metric + "].tolerance",
        tolerance,
        "0 to 1");
  }
}
