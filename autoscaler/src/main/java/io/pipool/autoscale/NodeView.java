package io.pipool.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * One node as this decision sees it: its sample, whether the sample can be trusted, and its thermal
 * state after hysteresis.
 *
 * @param sample the latest sample
 * @param previous the node's state from the previous decision, or null
 * @param serving the node's pod is labelled serving now
 * @param fresh the sample answered and is recent enough to act on
 * @param hot out of rotation for heat (at/above drain, throttled, or not yet below resume)
 * @param hotReason why it is hot, else null
 * @param wasHot the previous decision had it Draining or Hot
 */
record NodeView(
    NodeSample sample,
    NodeState previous,
    boolean serving,
    boolean fresh,
    boolean hot,
    String hotReason,
    boolean wasHot) {

  String name() {
    return sample.node();
  }

  Double temperature() {
    return sample.temperatureCelsius();
  }

  /** This node's value of a metric, null when unknown. */
  Double value(Metric metric) {
    return metric.of(sample.load());
  }

  /** Connections for ordering nodes; an unknown count sorts as none. */
  long connectionsOrZero() {
    Long c = sample.load().connections();
    return c == null ? 0 : c;
  }

  /** At or above drain, or throttled, in a fresh sample: what the operator times to the label. */
  boolean overThreshold(ScalePolicy policy) {
    return fresh && thermalReason(policy, sample, false) != null;
  }

  /** May be chosen to serve. */
  boolean eligible() {
    return sample.ready() && fresh && !hot;
  }

  /** Serving, no fresh data, nothing known against it: missing data never removes it. */
  boolean held() {
    return serving && sample.ready() && !fresh && !hot;
  }

  /** Just cooled below resume after being hot. */
  boolean resumed() {
    return wasHot && fresh && !hot;
  }

  /** Applies freshness and thermal hysteresis to one sample. */
  static NodeView classify(
      ScalePolicy policy,
      NodeSample s,
      NodeState previous,
      Set<String> currentServing,
      Instant now) {
    boolean wasHot =
        previous != null
            && (previous.phase() == NodeState.Phase.Draining
                || previous.phase() == NodeState.Phase.Hot);
    boolean fresh =
        s.reachable()
            && s.sampledAt() != null
            && Duration.between(s.sampledAt(), now).compareTo(policy.staleAfter()) <= 0;
    String hotReason = fresh ? thermalReason(policy, s, wasHot) : staleHotReason(wasHot, s, now);
    return new NodeView(
        s,
        previous,
        currentServing.contains(s.node()),
        fresh,
        hotReason != null,
        hotReason,
        wasHot);
  }

  private static String thermalReason(ScalePolicy policy, NodeSample s, boolean wasHot) {
    Double t = s.temperatureCelsius();
    if (t != null && t >= policy.drainCelsius()) {
      return Texts.celsius(t) + " >= drain " + Texts.celsius(policy.drainCelsius());
    }
    if (policy.treatThrottledAsHot() && s.throttled()) {
      return "throttled by firmware at " + Texts.celsius(t);
    }
    if (wasHot && (t == null || t >= policy.resumeCelsius())) {
      // Hysteresis: between resume and drain a node that was hot stays out, or it would flap.
      return "cooling: "
          + Texts.celsius(t)
          + ", may serve again below "
          + Texts.celsius(policy.resumeCelsius());
    }
    return null;
  }

  private static String staleHotReason(boolean wasHot, NodeSample s, Instant now) {
    // Without a fresh reading nobody knows it cooled, so the thermal memory outlives the outage.
    return wasHot ? "was hot; no fresh sample (" + staleWhy(s, now) + ")" : null;
  }

  /** Why a sample cannot be used, for reasons and events. */
  static String staleWhy(NodeSample s, Instant now) {
    if (!s.reachable()) {
      return s.unreachableReason() == null ? "no answer" : s.unreachableReason();
    }
    if (s.sampledAt() == null) {
      return "never answered";
    }
    return "sample " + Duration.between(s.sampledAt(), now).toSeconds() + " s old";
  }
}
