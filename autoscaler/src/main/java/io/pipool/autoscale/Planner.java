package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import io.pipool.autoscale.Decision.Recommendation;
import java.time.Instant;
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
        condition(
            Reasons.SCALING_ACTIVE,
            false,
            Reasons.SCALING_DISABLED,
            "autoscaling is off; serving spec.replicas (" + p.fixedReplicas() + ")"),
        condition(Reasons.SCALING_LIMITED, false, Reasons.DESIRED_WITHIN_RANGE, "serving " + cause),
        cause);
  }

  /** Autoscaling on: the HPA's arithmetic on connections, with missing data never scaling down. */
  static Plan auto(
      ScalePolicy p,
      List<NodeView> views,
      List<NodeState> previous,
      List<Recommendation> history,
      Instant now) {
    int current = (int) views.stream().filter(NodeView::serving).count();
    int freshServing = (int) views.stream().filter(v -> v.serving() && v.fresh()).count();
    int anyFresh = (int) views.stream().filter(NodeView::fresh).count();
    long total = views.stream().filter(NodeView::fresh).mapToLong(NodeView::connections).sum();
    List<Recommendation> pruned = Behavior.pruned(history, now, p);
    String within = "within " + p.staleAfter().toSeconds() + " s";

    if (anyFresh == 0 || freshServing * 2 < current) {
      // Too little data to judge the load: keep the size, let only heat and readiness move nodes.
      String what =
          anyFresh == 0
              ? "no agent answered " + within
              : "only " + freshServing + " of " + current + " serving nodes answered " + within;
      String hold = "holding " + Texts.plural(current, "serving node", "serving nodes");
      return new Plan(
          current,
          pruned,
          condition(
              Reasons.SCALING_ACTIVE,
              false,
              Reasons.FAILED_GET_METRICS,
              what + "; " + hold + " (missing data never scales down)"),
          condition(Reasons.SCALING_LIMITED, false, Reasons.DESIRED_WITHIN_RANGE, hold),
          hold + ": " + what);
    }

    int target = p.targetConnectionsPerReplica();
    String cause =
        Texts.count(total) + " connections, target " + Texts.count(target) + " per replica";
    int raw = raw(total, current, p);
    int missing = current - freshServing;
    int recommended = missing > 0 ? Math.max(raw, current) : raw;
    if (pruned.isEmpty() && current > 0) {
      // No memory (new pool, lost status, autoscaling just switched on): count the nodes serving
      // now as a recommendation, so the first decisions cannot scale down before the window.
      pruned = List.of(new Recommendation(now, current));
    }
    int stabilized = Behavior.stabilize(current, recommended, pruned, p, now);
    int bounded = Math.max(p.minReplicas(), Math.min(p.maxReplicas(), stabilized));
    int limitedCount = Behavior.rateLimit(bounded, current, p, previous, now);

    StringBuilder active = new StringBuilder(cause).append(": recommend ").append(raw);
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
        condition(Reasons.SCALING_ACTIVE, true, Reasons.VALID_METRIC_FOUND, active.toString()),
        limitedCondition(p, stabilized, bounded, limitedCount),
        cause);
  }

  /** ceil(total / target), or the current count while per-node load is within tolerance. */
  static int raw(long total, int current, ScalePolicy p) {
    double target = p.targetConnectionsPerReplica();
    if (current > 0) {
      double ratio = total / (double) current / target;
      if (Math.abs(ratio - 1) <= p.tolerance()) {
        return current;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(total / target));
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
