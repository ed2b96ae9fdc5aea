package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pipool.api.v1alpha1.AutoscalingSpec;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.autoscale.Autoscaler;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.Memory;
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

  /**
   * What one pass observed before deciding.
   *
   * @param policy the pool's policy
   * @param memory the operator's memory with this round's poll results folded in
   * @param current nodes labelled serving now
   * @param samples one per agent pod
   */
  private record Observed(
      ScalePolicy policy, PoolMemory memory, Set<String> current, List<NodeSample> samples) {}

  Outcome run(
      PiServerPool pool, Map<String, Pod> pods, DaemonSet daemonSet, PoolMemory last, Instant now) {
    Observed seen = observe(pool, pods, last, now);
    PoolMemory mem = seen.memory();
    Duration interval = seen.policy().pollInterval();
    PiServerPoolStatus old = pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    if (awaitingFirstAnswer(old, mem, pods)) {
      // Unknown is not zero: no decision, no label, no event until an agent has answered
      PiServerPoolStatus kept =
          KeptStatus.awaiting(
              pool,
              daemonSet,
              pods,
              seen.current(),
              seen.policy().dryRun(),
              staleWhy(old, mem, seen.current()),
              now);
      metrics.replicas(
          pool.getMetadata().getNamespace(),
          pool.getMetadata().getName(),
          kept.getDesiredReplicas(),
          seen.current().size());
      return new Outcome(kept, untilNextPoll(mem, now, interval), mem);
    }
    Decision decision = decide(seen, old);
    Map<String, Instant> hot = hotSince(seen, decision);
    Set<String> servingNow = act(pool, pods, seen, decision, hot);
    mem = mem.withHotSince(hot).withDecided(decision.memory());
    PiServerPoolStatus status = report(pool, pods, daemonSet, mem, decision, servingNow, now);
    return new Outcome(status, untilNextPoll(mem, now, interval), mem);
  }

  /** Folds in the poll results that arrived, starts the next poll when due, maps the samples. */
  private Observed observe(PiServerPool pool, Map<String, Pod> pods, PoolMemory last, Instant now) {
    ScalePolicy policy = PolicyMapper.policy(pool.getSpec(), config.defaultPollInterval());
    PoolMemory mem =
        trigger.take(ResourceID.fromResource(pool)).map(last::withResults).orElse(last);
    mem = startPollIfDue(pool, pods, mem.retainNodes(pods.keySet()), now, policy.pollInterval());
    Set<String> current =
        pods.entrySet().stream()
            .filter(e -> AgentPods.serving(e.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    List<NodeSample> samples =
        SampleMapper.samples(pods, mem.latest(), mem.lastGood(), mem.lastGoodStatus());
    return new Observed(policy, mem, current, samples);
  }

  /**
   * The autoscaler's decision, with its memory seeded from status after a start and kept by this
   * operator from then on: the status handed to a reconcile may predate our last write.
   */
  private Decision decide(Observed seen, PiServerPoolStatus old) {
    Memory memory =
        seen.memory().decided() != null ? seen.memory().decided() : StatusMapper.memory(old);
    return autoscaler.decide(seen.policy(), seen.samples(), seen.current(), memory, clock);
  }

  /**
   * Applies the decision's serving set through the labels (not in DryRun); returns the nodes
   * labelled serving afterwards, and times each hot node from its threshold to its label (a timed
   * node leaves {@code hot}).
   */
  private Set<String> act(
      PiServerPool pool,
      Map<String, Pod> pods,
      Observed seen,
      Decision decision,
      Map<String, Instant> hot) {
    Set<String> servingNow = new TreeSet<>(seen.current());
    if (!seen.policy().dryRun()) {
      Map<String, Boolean> changed = labeler.apply(pods, decision.serving());
      Instant labelled = clock.instant();
      changed.forEach(
          (node, on) -> {
            if (on) {
              servingNow.add(node);
              return;
            }
            servingNow.remove(node);
            Instant since = hot.remove(node);
            if (since != null) {
              metrics.thresholdToLabel(
                  pool.getMetadata().getNamespace(),
                  pool.getMetadata().getName(),
                  Duration.between(since, labelled));
            }
          });
    }
    servingNow.retainAll(pods.keySet());
    return servingNow;
  }

  /**
   * When each node the decision found over the drain threshold first got there (the decision says
   * which; this only keeps the time); a node leaves the map when it is no longer over it.
   */
  private static Map<String, Instant> hotSince(Observed seen, Decision decision) {
    Map<String, Instant> hot = new HashMap<>(seen.memory().hotSince());
    hot.keySet().retainAll(decision.overThreshold());
    for (NodeSample s : seen.samples()) {
      if (decision.overThreshold().contains(s.node())) {
        hot.putIfAbsent(s.node(), s.sampledAt());
      }
    }
    return hot;
  }

  /** Writes what happened where a user looks: Events, the status, the metrics. */
  private PiServerPoolStatus report(
      PiServerPool pool,
      Map<String, Pod> pods,
      DaemonSet daemonSet,
      PoolMemory mem,
      Decision decision,
      Set<String> servingNow,
      Instant now) {
    String ns = pool.getMetadata().getNamespace();
    String name = pool.getMetadata().getName();
    boolean dryRun = pool.getSpec().getAutoscaling().getMode() == AutoscalingSpec.Mode.DryRun;
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
                dryRun,
                now));
    Conditions.find(status.getConditions(), Conditions.SYSCTLS_APPLIED)
        .filter(c -> "False".equals(c.getStatus()))
        .ifPresent(c -> events.warning(pool, "SysctlFailure", c.getMessage()));
    metrics.replicas(ns, name, decision.desiredReplicas(), servingNow.size());
    metrics.nodes(ns, name, OperatorMetrics.NodeReading.of(status.getNodes()));
    return status;
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
}
