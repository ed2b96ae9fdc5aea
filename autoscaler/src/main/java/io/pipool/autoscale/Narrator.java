package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import io.pipool.autoscale.Decision.Event;
import io.pipool.autoscale.NodeState.Phase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Explains one decision: each node's phase and reason, the events, the thermal condition. */
final class Narrator {

  private final ScalePolicy policy;
  private final List<NodeView> views;
  private final Set<String> chosen;
  private final Instant now;

  /** Which drained, unready or lost node each newly serving standby replaces. */
  private final Map<String, NodeView> replaces = new HashMap<>();

  private final Map<String, String> replacedBy = new HashMap<>();

  Narrator(ScalePolicy policy, List<NodeView> views, Set<String> chosen, Instant now) {
    this.policy = policy;
    this.views = views;
    this.chosen = chosen;
    this.now = now;
    List<NodeView> dropped =
        views.stream()
            .filter(v -> v.serving() && !chosen.contains(v.name()) && !v.eligible())
            .toList();
    List<String> added = chosen.stream().filter(n -> !servingNow(n)).toList();
    for (int i = 0; i < Math.min(dropped.size(), added.size()); i++) {
      replaces.put(added.get(i), dropped.get(i));
      replacedBy.put(dropped.get(i).name(), added.get(i));
    }
  }

  /** Nodes this decision adds that replace none: a scale up the rate policies count. */
  int scaledUp() {
    return (int) chosen.stream().filter(n -> !servingNow(n)).count() - replaces.size();
  }

  /** Serving nodes this decision removes though they could serve: a scale down. */
  int scaledDown() {
    return (int)
        views.stream()
            .filter(v -> v.serving() && v.eligible() && !chosen.contains(v.name()))
            .count();
  }

  /** Every node's new state; a node whose phase is unchanged keeps its since. */
  List<NodeState> nodeStates(String cause) {
    List<NodeState> states = new ArrayList<>();
    for (NodeView v : views) {
      Phase phase;
      String reason;
      if (v.hot()) {
        phase = v.serving() ? Phase.Draining : Phase.Hot;
        reason = v.hotReason();
      } else if (!v.sample().ready()) {
        phase = Phase.Pending;
        reason = "agent pod not ready";
      } else if (!v.fresh()) {
        phase = Phase.Unreachable;
        reason = NodeView.staleWhy(v.sample(), now);
        if (chosen.contains(v.name())) {
          reason += "; still serving (missing data never scales down)";
        }
      } else if (chosen.contains(v.name())) {
        phase = Phase.Serving;
        reason = servingReason(v, cause);
      } else {
        phase = Phase.Standby;
        reason = standbyReason(v, cause);
      }
      NodeState prev = v.previous();
      boolean same = prev != null && prev.phase() == phase && prev.since() != null;
      boolean keepReason =
          same && prev.reason() != null && (phase == Phase.Serving || phase == Phase.Standby);
      states.add(
          new NodeState(
              v.name(), phase, same ? prev.since() : now, keepReason ? prev.reason() : reason));
    }
    return List.copyOf(states);
  }

  private String servingReason(NodeView v, String cause) {
    NodeView replaced = replaces.get(v.name());
    if (replaced != null) {
      return "replaces " + replaced.name() + " (" + whyOut(replaced) + ")";
    }
    return servingNow(v.name()) ? "serving" : Reasons.NODE_SCALED_UP + ": " + cause;
  }

  private String standbyReason(NodeView v, String cause) {
    if (v.serving()) {
      return Reasons.NODE_SCALED_DOWN + ": " + cause;
    }
    if (v.resumed()) {
      return "cooled to " + Texts.celsius(v.temperature()) + "; eligible again";
    }
    return "eligible, not needed";
  }

  private static String whyOut(NodeView v) {
    if (v.hot()) {
      return "hot";
    }
    return v.sample().ready() ? "unreachable" : "not ready";
  }

  /** Drains, resumes, lost agents and the scale itself, in that order. */
  List<Event> events(int current, Plan plan, int desired) {
    List<Event> events = new ArrayList<>();
    String dry = policy.dryRun() ? " (dry run)" : "";
    for (NodeView v : views) {
      Phase before = v.previous() == null ? null : v.previous().phase();
      if (v.hot() && !v.wasHot() && v.fresh()) {
        events.add(hotEvent(v, dry));
      } else if (v.resumed()) {
        events.add(
            new Event(
                false,
                Reasons.NODE_RESUMED,
                "node " + v.name() + " resumed at " + Texts.celsius(v.temperature())));
      }
      if (v.serving() && !v.hot() && !v.sample().ready() && before != Phase.Pending) {
        events.add(
            new Event(
                true,
                Reasons.NODE_NOT_READY,
                "node " + v.name() + "'s agent pod is not ready" + replacement(v) + dry));
      } else if (v.serving()
          && !v.hot()
          && v.sample().ready()
          && !v.fresh()
          && before != Phase.Unreachable) {
        events.add(
            new Event(
                true,
                Reasons.NODE_UNREACHABLE,
                "node "
                    + v.name()
                    + " stopped answering ("
                    + NodeView.staleWhy(v.sample(), now)
                    + ")"
                    + (chosen.contains(v.name())
                        ? "; still serving, missing data never scales down"
                        : "")));
      }
    }
    if (chosen.size() != current) {
      boolean up = chosen.size() > current;
      String limit =
          desired < plan.target()
              ? "; only " + Texts.plural(desired, "node qualifies", "nodes qualify")
              : "";
      events.add(
          new Event(
              false,
              up ? Reasons.SCALED_UP : Reasons.SCALED_DOWN,
              (policy.dryRun() ? "would scale " : "scaled ")
                  + current
                  + " -> "
                  + chosen.size()
                  + ": "
                  + plan.cause()
                  + limit
                  + dry));
    }
    return List.copyOf(events);
  }

  private Event hotEvent(NodeView v, String dry) {
    Double t = v.temperature();
    boolean overDrain = t != null && t >= policy.drainCelsius();
    String at = "at " + Texts.celsius(t) + (overDrain ? "" : ", throttled by firmware");
    if (v.serving()) {
      return new Event(
          true,
          Reasons.NODE_DRAINED,
          "node "
              + v.name()
              + (policy.dryRun() ? " would be drained " : " drained ")
              + at
              + replacement(v)
              + dry);
    }
    return new Event(
        true,
        Reasons.NODE_HOT,
        "standby node "
            + v.name()
            + " is hot "
            + at
            + "; not eligible until below "
            + Texts.celsius(policy.resumeCelsius()));
  }

  private String replacement(NodeView v) {
    String by = replacedBy.get(v.name());
    if (by == null) {
      return "; no cool standby to replace it";
    }
    Double t =
        views.stream().filter(x -> x.name().equals(by)).findFirst().orElseThrow().temperature();
    return "; " + by + " (" + Texts.celsius(t) + ") serves in its place";
  }

  /** True naming every hot node, else False naming the hottest. */
  ConditionResult thermalCondition() {
    List<String> hot =
        views.stream().filter(NodeView::hot).map(v -> v.name() + " " + v.hotReason()).toList();
    if (!hot.isEmpty()) {
      return Planner.condition(
          Reasons.THERMAL_THROTTLING, true, Reasons.HOT_NODES, String.join("; ", hot));
    }
    return views.stream()
        .filter(v -> v.fresh() && v.temperature() != null)
        .max(Selector.COOLEST_FIRST)
        .map(
            v ->
                Planner.condition(
                    Reasons.THERMAL_THROTTLING,
                    false,
                    Reasons.NO_HOT_NODES,
                    "hottest: " + v.name() + " at " + Texts.celsius(v.temperature())))
        .orElse(
            Planner.condition(
                Reasons.THERMAL_THROTTLING,
                false,
                Reasons.NO_HOT_NODES,
                "no temperature readings"));
  }

  private boolean servingNow(String node) {
    return views.stream().anyMatch(v -> v.serving() && v.name().equals(node));
  }
}
