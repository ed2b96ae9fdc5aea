package io.pipool.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.ThrottleFlags;
import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.MetricStatus;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.PoolTotals;
import io.pipool.api.v1alpha1.Recommendation;
import io.pipool.api.v1alpha1.ScaleMoveStatus;
import io.pipool.api.v1alpha1.Throttling;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.NodeState;
import io.pipool.operator.model.PoolNames;
import io.pipool.operator.poll.PollResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds a pool's status from what the reconciler observed and decided (pure). */
public final class StatusComposer {

  private StatusComposer() {}

  /** The new status of a valid pool. */
  public static PiServerPoolStatus compose(PiServerPool pool, PoolObservation o) {
    PiServerPoolStatus old = pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    Long generation = pool.getMetadata().getGeneration();
    Decision d = o.decision();
    SysctlHealth.Verdict sysctls = SysctlHealth.judge(o.pods(), o.statuses());
    Map<String, NodeState> states =
        d.nodes().stream()
            .collect(Collectors.toMap(NodeState::node, Function.identity(), (a, b) -> b));

    PiServerPoolStatus s = new PiServerPoolStatus();
    s.setObservedGeneration(generation);
    s.setSelector(PoolNames.servingSelectorString(pool));
    s.setReplicas(o.serving().size());
    s.setDesiredReplicas(d.desiredReplicas());
    s.setLastScaleTime(d.scaleTime() != null ? d.scaleTime().toString() : old.getLastScaleTime());
    s.setRecommendations(
        d.history().stream()
            .map(r -> new Recommendation(r.time().toString(), r.replicas()))
            .collect(Collectors.toCollection(ArrayList::new)));
    s.setCurrentMetrics(
        d.metrics().stream()
            .map(StatusComposer::metric)
            .collect(Collectors.toCollection(ArrayList::new)));
    s.setTargets(d.metrics().isEmpty() ? old.getTargets() : targets(d.metrics()));
    s.setScaleMoves(
        d.moves().stream()
            .map(
                m ->
                    new ScaleMoveStatus(
                        ScaleMoveStatus.Direction.valueOf(m.direction().name()),
                        m.from(),
                        m.to(),
                        m.time().toString()))
            .collect(Collectors.toCollection(ArrayList::new)));
    s.setRestore(old.getRestore());

    List<NodeStatus> nodes = new ArrayList<>();
    o.pods().forEach((node, pod) -> nodes.add(node(node, pod, o, states.get(node), sysctls)));
    s.setNodes(nodes);
    s.setTotals(totals(nodes, o.serving().size()));

    List<Condition> c = old.getConditions();
    c =
        Conditions.set(
            c, Conditions.VALID, "True", "SpecValid", "the spec is valid", generation, o.now());
    c =
        Conditions.set(
            c,
            Conditions.SYSCTLS_APPLIED,
            sysctls.status(),
            sysctls.reason(),
            sysctls.message(),
            generation,
            o.now());
    for (Decision.ConditionResult r : d.conditions()) {
      c = Conditions.set(c, r.type(), r.status(), r.reason(), r.message(), generation, o.now());
    }
    String[] ready = ready(o, d.desiredReplicas());
    c = Conditions.set(c, Conditions.READY, ready[0], ready[1], ready[2], generation, o.now());
    s.setConditions(new ArrayList<>(c));
    return s;
  }

  /**
   * The status of an invalid pool: what was there, plus Valid=False naming every bad field. The
   * rest is left alone because nothing that runs was touched.
   */
  public static PiServerPoolStatus invalid(
      PiServerPool pool,
      List<io.pipool.api.validation.Violation> violations,
      java.time.Instant now) {
    PiServerPoolStatus old = pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    PiServerPoolStatus s = copy(old);
    s.setObservedGeneration(pool.getMetadata().getGeneration());
    s.setSelector(PoolNames.servingSelectorString(pool));
    String message =
        violations.stream()
            .map(io.pipool.api.validation.Violation::message)
            .collect(Collectors.joining("; "));
    s.setConditions(
        new ArrayList<>(
            Conditions.set(
                old.getConditions(),
                Conditions.VALID,
                "False",
                "InvalidSpec",
                message,
                pool.getMetadata().getGeneration(),
                now)));
    return s;
  }

  /** A deep copy through JSON, so the cached original is never modified. */
  public static PiServerPoolStatus copy(PiServerPoolStatus status) {
    return COPIER.convertValue(status, PiServerPoolStatus.class);
  }

  /**
   * Whether writing {@code next} would tell a user anything new. The recommendation history alone
   * does not count: it grows with every decision and would otherwise cost a write per poll.
   */
  public static boolean differs(PiServerPoolStatus current, PiServerPoolStatus next) {
    if (current == null) {
      return true;
    }
    var a = COPIER.valueToTree(current);
    var b = COPIER.valueToTree(next);
    ((com.fasterxml.jackson.databind.node.ObjectNode) a).remove("recommendations");
    ((com.fasterxml.jackson.databind.node.ObjectNode) b).remove("recommendations");
    return !a.equals(b);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper COPIER =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .setSerializationInclusion(
              com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY);

  private static MetricStatus metric(Decision.MetricValue v) {
    MetricStatus m = new MetricStatus();
    m.setType(MetricSpec.Type.valueOf(v.metric().name()));
    m.setCurrent(v.current() == null ? null : round(v.current()));
    m.setTarget(v.target());
    m.setProposedReplicas(v.proposed());
    m.setDrives(v.drives());
    return m;
  }

  /** "requests/s 180/50, connections 40/3,000": the driving metric first, as HPA's TARGETS. */
  static String targets(List<Decision.MetricValue> metrics) {
    return metrics.stream()
        .sorted(java.util.Comparator.comparing((Decision.MetricValue v) -> !v.drives()))
        .map(
            v ->
                v.metric().unit()
                    + " "
                    + (v.current() == null ? "<unknown>" : number(v.current()))
                    + "/"
                    + number(v.target()))
        .collect(Collectors.joining(", "));
  }

  private static String number(double v) {
    return v == Math.rint(v)
        ? String.format(java.util.Locale.US, "%,d", (long) v)
        : String.format(java.util.Locale.US, "%,.1f", v);
  }

  /**
   * Nodes labelled serving whose agent says it does not serve (Standby or Draining on its latest
   * answer), with what the agent said.
   */
  static Map<String, String> unconfirmed(PoolObservation o) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String node : o.serving()) {
      PollResult latest = o.latest().get(node);
      if (latest == null || !latest.ok()) {
        continue; // no answer: unknown, shown as Unreachable by the decision
      }
      AgentStatus.ServingMode mode = latest.status().servingMode();
      if (mode == AgentStatus.ServingMode.Standby || mode == AgentStatus.ServingMode.Draining) {
        String why = latest.status().servingReason();
        out.put(node, "its agent says " + mode + (why == null ? "" : " (" + why + ")"));
      }
    }
    return out;
  }

  /**
   * Ready: the DaemonSet rolled out everywhere, the serving set has its desired size, and every
   * agent labelled serving says it serves.
   */
  static String[] ready(PoolObservation o, int desired) {
    if (o.daemonSet() == null) {
      return new String[] {"False", "Creating", "the agent DaemonSet does not exist yet"};
    }
    DaemonSetStatus ds = o.daemonSet().getStatus();
    int scheduled =
        ds == null || ds.getDesiredNumberScheduled() == null ? 0 : ds.getDesiredNumberScheduled();
    int updated =
        ds == null || ds.getUpdatedNumberScheduled() == null ? 0 : ds.getUpdatedNumberScheduled();
    if (o.pods().isEmpty() && scheduled == 0) {
      return new String[] {"False", "NoNodes", "no node matches spec.nodeSelector yet"};
    }
    if (updated < scheduled) {
      return new String[] {
        "False", "RollingOut", "agents updated on " + updated + " of " + scheduled + " nodes"
      };
    }
    long running =
        o.pods().values().stream().filter(io.pipool.operator.autoscale.AgentPods::running).count();
    if (running < o.pods().size()) {
      return new String[] {
        "False", "AgentsStarting", running + " of " + o.pods().size() + " agents running"
      };
    }
    int serving = o.serving().size();
    if (o.dryRun()) {
      return new String[] {
        "True", "DryRun", serving + " nodes serving; autoscaler decisions are only reported"
      };
    }
    if (serving != desired) {
      return new String[] {
        "False", "ScalingInProgress", serving + " of " + desired + " desired nodes serving"
      };
    }
    Map<String, String> unconfirmed = o.dryRun() ? Map.of() : unconfirmed(o);
    if (!unconfirmed.isEmpty()) {
      return new String[] {
        "False",
        "AgentsUnconfirmed",
        unconfirmed.size()
            + " of "
            + serving
            + " nodes labelled serving do not serve: "
            + unconfirmed.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("; "))
      };
    }
    if (desired == 0) {
      return new String[] {"True", "ScaledToZero", "no node serves, as desired"};
    }
    return new String[] {"True", "Serving", serving + " of " + o.pods().size() + " nodes serving"};
  }

  private static NodeStatus node(
      String name, Pod pod, PoolObservation o, NodeState state, SysctlHealth.Verdict sysctls) {
    NodeStatus n = new NodeStatus();
    n.setName(name);
    n.setPod(pod.getMetadata().getName());
    n.setPodIP(pod.getStatus() == null ? null : pod.getStatus().getPodIP());
    String disagreement = o.dryRun() ? null : unconfirmed(o).get(name);
    if (state != null && state.phase() == NodeState.Phase.Serving && disagreement != null) {
      n.setPhase(NodeStatus.Phase.Unconfirmed);
      n.setReason("labelled serving, but " + disagreement);
      n.setPhaseSince(state.since() == null ? null : state.since().toString());
    } else if (state != null) {
      n.setPhase(NodeStatus.Phase.valueOf(state.phase().name()));
      n.setReason(state.reason());
      n.setPhaseSince(state.since() == null ? null : state.since().toString());
    } else {
      n.setPhase(NodeStatus.Phase.Pending);
      n.setReason("agent not running");
    }
    PollResult latest = o.latest().get(name);
    AgentStatus status = latest != null && latest.ok() ? latest.status() : null;
    if (status != null) {
      n.setConnections(status.connections().active());
      // an agent that does not report a rate has an unknown rate, not zero
      n.setRequestsPerSecond(
          status.requestsPerSecond() == null ? null : round(status.requestsPerSecond()));
      if (status.thermal() != null) {
        n.setTemperatureCelsius(
            status.thermal().temperatureCelsius() == null
                ? null
                : round(status.thermal().temperatureCelsius()));
        n.setThrottling(throttling(status.thermal().throttle()));
      }
    } else if (o.lastGood().get(name) != null) {
      // unreachable now: say when it last answered (stable while it stays silent)
      n.setLastSeen(o.lastGood().get(name).toString());
    }
    SysctlHealth.NodeSysctls ns = sysctls.nodes().get(name);
    if (ns != null) {
      n.setSysctls(ns.state());
      n.setDriftedSysctls(ns.problems().isEmpty() ? null : ns.problems());
    }
    return n;
  }

  private static Throttling throttling(ThrottleFlags f) {
    if (f == null) {
      return null;
    }
    Throttling t = new Throttling();
    t.setRaw(f.hex());
    t.setUnderVoltage(f.underVoltage());
    t.setFrequencyCapped(f.frequencyCapped());
    t.setThrottled(f.throttled());
    t.setSoftTemperatureLimit(f.softTemperatureLimit());
    t.setOccurredSinceBoot(f.anySinceBoot());
    return t;
  }

  static PoolTotals totals(List<NodeStatus> nodes, int serving) {
    PoolTotals t = new PoolTotals();
    t.setNodes(nodes.size());
    List<NodeStatus> answered = nodes.stream().filter(n -> n.getConnections() != null).toList();
    t.setReachableNodes(answered.size());
    long connections = answered.stream().mapToLong(NodeStatus::getConnections).sum();
    t.setConnections(connections);
    t.setConnectionsPerServingNode(serving == 0 ? null : connections / serving);
    List<NodeStatus> rated =
        answered.stream().filter(n -> n.getRequestsPerSecond() != null).toList();
    t.setRequestsPerSecond(
        rated.isEmpty()
            ? null
            : round(rated.stream().mapToDouble(NodeStatus::getRequestsPerSecond).sum()));
    nodes.stream()
        .filter(n -> n.getTemperatureCelsius() != null)
        .max(java.util.Comparator.comparingDouble(NodeStatus::getTemperatureCelsius))
        .ifPresent(
            hot -> {
              t.setMaxTemperatureCelsius(hot.getTemperatureCelsius());
              t.setHottestNode(hot.getName());
            });
    return t;
  }

  private static double round(double v) {
    return Math.round(v * 10.0) / 10.0;
  }
}
