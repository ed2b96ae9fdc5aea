package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import io.pipool.autoscale.Decision.MetricValue;
import io.pipool.autoscale.Decision.Recommendation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Turns load and policy into a target count: the replica arithmetic of one decision. */
final class Planner {

  private Planner() {}

  /** Autoscaling off: spec.replicas, thermal drain still applies later. */
  static Plan fixed(ScalePolicy p, List<Recommendation> history, Instant now) {
    String cause = "spec.replicas is " + p.fixedReplicas();
    return new Plan(
        p.fixedReplicas(),
        Behavior.pruned(history, now, p),
        List.of(),
        condition(
            Reasons.SCALING_ACTIVE,
            false,
            Reasons.SCALING_DISABLED,
            "autoscaling is off; serving spec.replicas (" + p.fixedReplicas() + ")"),
        condition(Reasons.SCALING_LIMITED, false, Reasons.DESIRED_WITHIN_RANGE, "serving " + cause),
        cause);
  }

  /**
   * Autoscaling on: the HPA's arithmetic on every listed metric, the largest proposal wins, and
   * missing data never scales down.
   */
  static Plan auto(ScalePolicy p, List<NodeView> views, Memory memory, Instant now) {
    int current = (int) views.stream().filter(NodeView::serving).count();
    int freshServing = (int) views.stream().filter(v -> v.serving() && v.fresh()).count();
    List<Recommendation> pruned = Behavior.pruned(memory.recommendations(), now, p);
    String within = "within " + p.staleAfter().toSeconds() + " s";
    List<MetricValue> judged = new ArrayList<>();
    for (MetricTarget m : p.metrics()) {
      judged.add(judge(m, views, current));
    }
    MetricValue driver =
        judged.stream()
            .filter(v -> v.proposed() != null)
            .max(Comparator.comparingInt(MetricValue::proposed))
            .orElse(null);

    boolean anyFresh = views.stream().anyMatch(NodeView::fresh);
    if (driver == null || freshServing * 2 < current) {
      // Too little data to judge the load: keep the size, let only heat and readiness move nodes.
      String what =
          !anyFresh
              ? "no agent answered " + within
              : driver == null
                  ? "no agent reported " + metricNames(p) + " " + within
                  : "only " + freshServing + " of " + current + " serving nodes answered " + within;
      String hold = "holding " + Texts.plural(current, "serving node", "serving nodes");
      return new Plan(
          current,
          pruned,
          List.of(),
          condition(
              Reasons.SCALING_ACTIVE,
              false,
              Reasons.FAILED_GET_METRICS,
              what + "; " + hold + " (missing data never scales down)"),
          condition(Reasons.SCALING_LIMITED, false, Reasons.DESIRED_WITHIN_RANGE, hold),
          hold + ": " + what);
    }
    List<MetricValue> metrics = new ArrayList<>();
    for (MetricValue v : judged) {
      metrics.add(new MetricValue(v.metric(), v.current(), v.target(), v.proposed(), v == driver));
    }
    String cause = cause(metrics);
    int recommended = driver.proposed();
    if (pruned.isEmpty() && current > 0) {
      // No memory (new pool, lost status, autoscaling just switched on): count the nodes serving
      // now as a recommendation, so the first decisions cannot scale down before the window.
      pruned = List.of(new Recommendation(now, current));
    }
    int stabilized = Behavior.stabilize(current, recommended, pruned, p, now);
    int bounded = Math.max(p.minReplicas(), Math.min(p.maxReplicas(), stabilized));
    int limitedCount = Behavior.rateLimit(bounded, current, p, memory.moves(), now);

    StringBuilder active = new StringBuilder(cause).append(": recommend ").append(recommended);
    int missing = current - freshServing;
    if (missing > 0) {
      active
          .append("; ")
          .append(Texts.plural(missing, "serving node", "serving nodes"))
          .append(" without a fresh sample, not scaling down");
    }
    if (stabilized > recommended) {
      active
          .append("; holding ")
          .append(stabilized)
          .append(" for the ")
          .append(p.scaleDown().stabilizationWindow().toSeconds())
          .append(" s scale-down window");
    } else if (stabilized < recommended) {
      active
          .append("; holding ")
          .append(stabilized)
          .append(" for the ")
          .append(p.scaleUp().stabilizationWindow().toSeconds())
          .append(" s scale-up window");
    }
    return new Plan(
        limitedCount,
        Behavior.record(pruned, recommended, now, p),
        List.copyOf(metrics),
        condition(Reasons.SCALING_ACTIVE, true, Reasons.VALID_METRIC_FOUND, active.toString()),
        limitedCondition(p, stabilized, bounded, limitedCount),
        cause);
  }

  /**
   * One metric's average per serving node and the count it proposes. Nodes that did not answer, or
   * did not report this metric, add nothing and are not counted as idle: while any serving node's
   * value is missing the metric proposes no fewer nodes than serve now.
   */
  static MetricValue judge(MetricTarget m, List<NodeView> views, int current) {
    double total = 0;
    int reporting = 0;
    int servingReporting = 0;
    for (NodeView v : views) {
      Double value = v.fresh() ? v.value(m.metric()) : null;
      if (value != null) {
        total += value;
        reporting++;
        servingReporting += v.serving() ? 1 : 0;
      }
    }
    if (reporting == 0) {
      return new MetricValue(m.metric(), null, m.target(), null, false);
    }
    int raw = raw(total, current, m);
    int proposed = servingReporting < current ? Math.max(raw, current) : raw;
    return new MetricValue(m.metric(), total / Math.max(current, 1), m.target(), proposed, false);
  }

  /** ceil(total / target), or the current count while per-node load is within tolerance. */
  static int raw(double total, int current, MetricTarget m) {
    if (current > 0) {
      double ratio = total / current / m.target();
      if (Math.abs(ratio - 1) <= m.tolerance()) {
        return current;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(total / m.target() - 1e-9));
  }

  /** "connections 2,842 per node, target 3,000 -> 5", the driving metric first. */
  static String cause(List<MetricValue> metrics) {
    List<String> parts = new ArrayList<>();
    metrics.stream()
        .sorted(Comparator.comparing((MetricValue v) -> !v.drives()))
        .forEach(
            v ->
                parts.add(
                    v.proposed() == null
                        ? v.metric().unit() + " not reported"
                        : v.metric().unit()
                            + " "
                            + Texts.value(v.metric(), v.current())
                            + " per node, target "
                            + Texts.value(v.metric(), v.target())
                            + " -> "
                            + v.proposed()));
    return String.join("; ", parts);
  }

  private static String metricNames(ScalePolicy p) {
    return String.join(" or ", p.metrics().stream().map(m -> m.metric().unit()).toList());
  }

  private static ConditionResult limitedCondition(
      ScalePolicy p, int stabilized, int bounded, int limited) {
    if (stabilized > p.maxReplicas()) {
      return condition(
          Reasons.SCALING_LIMITED,
          true,
          Reasons.TOO_MANY_REPLICAS,
          "desired " + stabilized + " is above maxReplicas " + p.maxReplicas());
    }
    if (stabilized < p.minReplicas()) {
      return condition(
          Reasons.SCALING_LIMITED,
          true,
          Reasons.TOO_FEW_REPLICAS,
          "desired " + stabilized + " is below minReplicas " + p.minReplicas());
    }
    if (limited != bounded) {
      boolean up = bounded > limited;
      return condition(
          Reasons.SCALING_LIMITED,
          true,
          up ? Reasons.SCALE_UP_LIMIT : Reasons.SCALE_DOWN_LIMIT,
          "the "
              + (up ? "scaleUp" : "scaleDown")
              + " rate policies allow "
              + limited
              + " now, desired "
              + bounded);
    }
    String max = p.maxReplicas() == Integer.MAX_VALUE ? "unlimited" : "" + p.maxReplicas();
    return condition(
        Reasons.SCALING_LIMITED,
        false,
        Reasons.DESIRED_WITHIN_RANGE,
        "desired " + bounded + " is within " + p.minReplicas() + ".." + max);
  }

  static ConditionResult condition(String type, boolean status, String reason, String message) {
    return new ConditionResult(type, status ? "True" : "False", reason, message);
  }
}
