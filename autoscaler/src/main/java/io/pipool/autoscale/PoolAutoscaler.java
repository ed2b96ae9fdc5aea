package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The pool's autoscaler: HPA-style arithmetic on a list of metrics (the largest proposal wins),
 * thermal drain with hysteresis, and node choice by temperature. Stateless, so a new instance
 * handed the stored history and node states decides exactly as the old one would have (an operator
 * restart changes nothing).
 */
public final class PoolAutoscaler implements Autoscaler {

  public PoolAutoscaler() {}

  @Override
  public Decision decide(
      ScalePolicy policy,
      List<NodeSample> samples,
      Set<String> currentServing,
      Memory memory,
      Clock clock) {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(clock, "clock");
    Instant now = clock.instant();
    Memory mem = memory == null ? Memory.EMPTY : memory;
    Set<String> serving = currentServing == null ? Set.of() : currentServing;
    List<NodeView> views = views(policy, samples, serving, mem.nodes(), now);

    Plan plan =
        policy.autoscalingEnabled()
            ? Planner.auto(policy, views, mem, now)
            : Planner.fixed(policy, mem.recommendations(), now);
    int capacity = (int) views.stream().filter(v -> v.eligible() || v.held()).count();
    int desired = Math.max(0, Math.min(plan.target(), capacity));
    Set<String> chosen = Selector.choose(desired, views);
    int current = (int) views.stream().filter(NodeView::serving).count();

    Narrator narrator = new Narrator(policy, views, chosen, now);
    List<ConditionResult> conditions =
        List.of(
            dryRun(policy, plan.active()),
            dryRun(policy, capacityLimited(policy, views, plan, desired)),
            narrator.thermalCondition());
    return new Decision(
        Set.copyOf(chosen),
        desired,
        narrator.nodeStates(plan.cause()),
        plan.history(),
        // DryRun moves nothing, so it records no move (or every poll would add the same one)
        Behavior.moves(
            mem.moves(),
            policy.dryRun() ? 0 : narrator.scaledUp(),
            policy.dryRun() ? 0 : narrator.scaledDown(),
            chosen.size(),
            policy,
            now),
        chosen.size() != current ? now : null,
        plan.metrics(),
        views.stream()
            .filter(v -> v.overThreshold(policy))
            .map(NodeView::name)
            .collect(Collectors.toUnmodifiableSet()),
        conditions,
        narrator.events(current, plan, desired));
  }

  /** One view per node, sorted by name; a node sampled twice keeps its newest sample. */
  private static List<NodeView> views(
      ScalePolicy policy,
      List<NodeSample> samples,
      Set<String> serving,
      List<NodeState> previous,
      Instant now) {
    Map<String, NodeState> prevByNode =
        previous.stream()
            .filter(s -> s != null && s.node() != null)
            .collect(Collectors.toMap(NodeState::node, s -> s, (a, b) -> b));
    Map<String, NodeSample> byNode = new LinkedHashMap<>();
    for (NodeSample s : samples == null ? List.<NodeSample>of() : samples) {
      if (s == null || s.node() == null) {
        continue;
      }
      byNode.merge(s.node(), s, PoolAutoscaler::newer);
    }
    List<NodeView> views = new ArrayList<>();
    for (NodeSample s : byNode.values()) {
      views.add(NodeView.classify(policy, s, prevByNode.get(s.node()), serving, now));
    }
    views.sort(Comparator.comparing(NodeView::name));
    return views;
  }

  private static NodeSample newer(NodeSample a, NodeSample b) {
    if (a.sampledAt() == null) {
      return b;
    }
    return b.sampledAt() != null && b.sampledAt().isAfter(a.sampledAt()) ? b : a;
  }

  /** Replaces the plan's ScalingLimited when too few nodes qualify to serve the target. */
  private static ConditionResult capacityLimited(
      ScalePolicy p, List<NodeView> views, Plan plan, int desired) {
    if (desired >= plan.target()) {
      return plan.limited();
    }
    List<String> hot = views.stream().filter(NodeView::hot).map(NodeView::name).toList();
    String want =
        "want "
            + Texts.plural(plan.target(), "serving node", "serving nodes")
            + ", only "
            + desired
            + (desired == 1 ? " is" : " are");
    if (!hot.isEmpty()) {
      return Planner.condition(
          Reasons.SCALING_LIMITED,
          true,
          Reasons.THERMAL_CAPACITY,
          want
              + " cool enough to serve (hot: "
              + String.join(", ", hot)
              + "; they return below "
              + Texts.celsius(p.resumeCelsius())
              + ")");
    }
    return Planner.condition(
        Reasons.SCALING_LIMITED, true, Reasons.NOT_ENOUGH_NODES, want + " ready and answering");
  }

  private static ConditionResult dryRun(ScalePolicy p, ConditionResult c) {
    return p.dryRun()
        ? new ConditionResult(
            c.type(), c.status(), c.reason(), "dry run, labels unchanged: " + c.message())
        : c;
  }
}
