package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.autoscale.Autoscaler;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.NodeSample;
import io.pipool.autoscale.ScalePolicy;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.autoscale.PolicyMapper;
import io.pipool.operator.autoscale.SampleMapper;
import io.pipool.operator.autoscale.StatusMapper;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.metrics.OperatorMetrics;
import io.pipool.operator.poll.AgentPoller;
import io.pipool.operator.poll.PollResult;
import io.pipool.operator.poll.PollTarget;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.status.KeptStatus;
import io.pipool.operator.status.PoolObservation;
import io.pipool.operator.status.StatusComposer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The sampling-and-acting half of a reconcile: starts the next poll when due, feeds the latest
 * samples to the autoscaler, applies its decision through the serving labels (not in DryRun) and
 * turns it into status, events and metrics.
 */
final class ServingPass {

  /** Minimum delay between two scheduled reconciles of a pool. */
  private static final Duration MIN_RESCHEDULE = Duration.ofMillis(200);

  /**
   * What the pass produced.
   *
   * @param status the new status
   * @param nextPoll when the pool should be reconciled again for its next poll
   * @param memory what to remember for the pool's next reconcile
   */
  record Outcome(PiServerPoolStatus status, Duration nextPoll, PoolMemory memory) {}

  private final Autoscaler autoscaler;
  private final AgentPoller poller;
  private final PollTrigger trigger;
  private final ServingLabeler labeler;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final OperatorConfig config;
  private final Clock clock;

  ServingPass(
      Autoscaler autoscaler,
      AgentPoller poller,
      PollTrigger trigger,
      ServingLabeler labeler,
      EventRecorder events,
      OperatorMetrics metrics,
      OperatorConfig config,
      Clock clock) {
    this.autoscaler = autoscaler;
    this.poller = poller;
    this.trigger = trigger;
    this.labeler = labeler;
    this.events = events;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
  }

  Outcome run(
      PiServerPool pool, Map<String, Pod> pods, DaemonSet daemonSet, PoolMemory last, Instant now) {
    String ns = pool.getMetadata().getNamespace();
    String name = pool.getMetadata().getName();
    ResourceID id = ResourceID.fromResource(pool);
    ScalePolicy policy = PolicyMapper.policy(pool.getSpec(), config.defaultPollInterval());
    Duration interval = policy.pollInterval();
    PoolMemory mem = trigger.take(id).map(last::withResults).orElse(last);
    mem = startPollIfDue(pool, pods, mem.retainNodes(pods.keySet()), now, interval);

    Set<String> current =
        pods.entrySet().stream()
            .filter(e -> AgentPods.serving(e.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    PiServerPoolStatus old = pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    if (awaitingFirstAnswer(old, mem, pods)) {
      // Unknown is not zero: no decision, no label, no event until an agent has answered
      PiServerPoolStatus kept =
          KeptStatus.awaiting(
              pool, daemonSet, pods, current, policy.dryRun(), staleWhy(old, mem, current), now);
      metrics.replicas(ns, name, kept.getDesiredReplicas(), current.size());
      return new Outcome(kept, untilNextPoll(mem, now, interval), mem);
    }

    List<NodeSample> samples =
        SampleMapper.samples(pods, mem.latest(), mem.lastGood(), mem.lastGoodStatus());
    Map<String, Instant> hotSince = hotSince(mem.hotSince(), samples, policy);
    List<Decision.Recommendation> history =
        mem.history() != null ? mem.history() : StatusMapper.history(old);
    Decision decision =
        autoscaler.decide(policy, samples, current, StatusMapper.previous(old), history, clock);

    Set<String> servingNow = new TreeSet<>(current);
    if (!policy.dryRun()) {
      Map<String, Boolean> changed = labeler.apply(pods, decision.serving());
      Instant labelled = clock.instant();
      changed.forEach(
          (node, on) -> {
            if (on) {
              servingNow.add(node);
            } else {
              servingNow.remove(node);
              Instant hot = hotSince.remove(node);
              if (hot != null) {
                metrics.thresholdToLabel(ns, name, Duration.between(hot, labelled));
              }
            }
          });
    }
    servingNow.retainAll(pods.keySet());
    mem = mem.withHotSince(hotSince).withHistory(decision.history());

    if (decision.events().isEmpty()) {
      metrics.decision(ns, name, "NoChange");
    }
    for (Decision.Event e : decision.events()) {
      metrics.decision(ns, name, e.reason());
      events.emit(pool, e.warning() ? "Warning" : "Normal", e.reason(), e.message());
    }

    PiServerPoolStatus status =
        StatusComposer.compose(
            pool,
            new PoolObservation(
                daemonSet,
                pods,
                mem.latest(),
                mem.lastGood(),
                mem.lastGoodStatus(),
                decision,
                servingNow,
                policy.dryRun(),
                now));
    Conditions.find(status.getConditions(), Conditions.SYSCTLS_APPLIED)
        .filter(c -> "False".equals(c.getStatus()))
        .ifPresent(c -> events.warning(pool, "SysctlFailure", c.getMessage()));

    metrics.replicas(ns, name, decision.desiredReplicas(), servingNow.size());
    Map<String, double[]> perNode = new LinkedHashMap<>();
    for (NodeStatus n : status.getNodes()) {
      perNode.put(
          n.getName(),
          new double[] {
            n.getTemperatureCelsius() == null ? Double.NaN : n.getTemperatureCelsius(),
            // unknown is not zero: a node that did not answer has no connection count
            n.getConnections() == null ? Double.NaN : n.getConnections()
          });
    }
    metrics.nodes(ns, name, perNode);
    return new Outcome(status, untilNextPoll(mem, now, interval), mem);
  }

  /**
   * Whether this operator has yet to hear from any agent of a pool that has a published decision:
   * after a start or a takeover its memory is empty, and deciding on "nothing answered" would undo
   * the previous leader's decision on no evidence. Only running agents can answer, so a pool whose
   * agents are all down is decided as usual (their pods show it).
   */
  static boolean awaitingFirstAnswer(
      PiServerPoolStatus published, PoolMemory mem, Map<String, Pod> pods) {
    return published.getDesiredReplicas() != null
        && mem.lastGood().isEmpty()
        && pods.values().stream().anyMatch(AgentPods::running);
  }

  private static String staleWhy(
      PiServerPoolStatus published, PoolMemory mem, Set<String> serving) {
    String what;
    if (mem.latest().isEmpty()) {
      what = "no agent polled yet since this operator started leading";
    } else {
      PollResult last =
          mem.latest().values().stream()
              .sorted(java.util.Comparator.comparing((PollResult r) -> r.target().node()))
              .findFirst()
              .orElseThrow();
      what =
          "no agent has answered since this operator started leading ("
              + mem.latest().size()
              + " polled; "
              + last.target().node()
              + ": "
              + last.error()
              + ")";
    }
    return what
        + "; keeping the published decision ("
        + published.getDesiredReplicas()
        + " desired; serving "
        + (serving.isEmpty() ? "none" : String.join(", ", serving))
        + ") until one answers";
  }

  /** Starts a poll of the running agents when the interval has passed and none is in flight. */
  private PoolMemory startPollIfDue(
      PiServerPool pool, Map<String, Pod> pods, PoolMemory mem, Instant now, Duration interval) {
    Instant last = mem.lastPollStarted();
    if (last != null && now.isBefore(last.plus(interval))) {
      return mem;
    }
    int port =
        pool.getSpec().getServer() == null || pool.getSpec().getServer().getAdminPort() == null
            ? ServerSpec.DEFAULT_ADMIN_PORT
            : pool.getSpec().getServer().getAdminPort();
    List<PollTarget> targets =
        pods.entrySet().stream()
            .filter(e -> AgentPods.running(e.getValue()))
            .map(
                e ->
                    new PollTarget(
                        e.getKey(),
                        e.getValue().getMetadata().getName(),
                        e.getValue().getStatus().getPodIP(),
                        port))
            .toList();
    ResourceID id = ResourceID.fromResource(pool);
    if (targets.isEmpty() || !trigger.start(id)) {
      return mem;
    }
    poller
        .pollAll(targets)
        .whenComplete(
            (results, error) -> trigger.deliver(id, results == null ? List.of() : results));
    return mem.withPollStarted(now);
  }

  private static Duration untilNextPoll(PoolMemory mem, Instant now, Duration interval) {
    Instant last = mem.lastPollStarted();
    Duration wait = last == null ? interval : Duration.between(now, last.plus(interval));
    return wait.compareTo(MIN_RESCHEDULE) < 0 ? MIN_RESCHEDULE : wait;
  }

  /** When each node's first sample at or above the drain threshold arrived; cool nodes leave. */
  private static Map<String, Instant> hotSince(
      Map<String, Instant> last, List<NodeSample> samples, ScalePolicy policy) {
    Map<String, Instant> hot = new HashMap<>(last);
    for (NodeSample s : samples) {
      if (!s.reachable()) {
        continue;
      }
      boolean isHot =
          (s.temperatureCelsius() != null && s.temperatureCelsius() >= policy.drainCelsius())
              || (policy.treatThrottledAsHot() && s.throttled());
      if (isHot) {
        hot.putIfAbsent(s.node(), s.sampledAt());
      } else {
        hot.remove(s.node());
      }
    }
    return hot;
  }
}
