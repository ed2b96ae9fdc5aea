package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.Recommendation;
import io.pipool.autoscale.Autoscaler;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.NodeSample;
import io.pipool.autoscale.NodeState;
import io.pipool.autoscale.ScalePolicy;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.autoscale.PolicyMapper;
import io.pipool.operator.autoscale.SampleMapper;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.metrics.OperatorMetrics;
import io.pipool.operator.poll.AgentPoller;
import io.pipool.operator.poll.PollTarget;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.status.PoolObservation;
import io.pipool.operator.status.StatusComposer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
public final class ServingPass {

  /** Minimum delay between two scheduled reconciles of a pool. */
  private static final Duration MIN_RESCHEDULE = Duration.ofMillis(200);

  /**
   * What the pass produced.
   *
   * @param status the new status
   * @param nextPoll when the pool should be reconciled again for its next poll
   */
  record Outcome(PiServerPoolStatus status, Duration nextPoll) {}

  private final Autoscaler autoscaler;
  private final AgentPoller poller;
  private final OperatorConfig config;
  private final Clock clock;
  private volatile ServingLabeler labeler;
  private volatile EventRecorder events;
  private volatile OperatorMetrics metrics;
  private volatile PollTrigger trigger;

  public ServingPass(
      Autoscaler autoscaler, AgentPoller poller, OperatorConfig config, Clock clock) {
    this.autoscaler = autoscaler;
    this.poller = poller;
    this.config = config;
    this.clock = clock;
  }

  void bind(
      KubernetesClient client, EventRecorder events, OperatorMetrics metrics, PollTrigger trigger) {
    this.labeler = new ServingLabeler(client);
    this.events = events;
    this.metrics = metrics;
    this.trigger = trigger;
  }

  Outcome run(
      PiServerPool pool, Map<String, Pod> pods, DaemonSet daemonSet, PoolMemory mem, Instant now) {
    String ns = pool.getMetadata().getNamespace();
    String name = pool.getMetadata().getName();
    ScalePolicy policy = PolicyMapper.policy(pool.getSpec(), config.defaultPollInterval());
    Duration interval = policy.pollInterval();
    mem.retainNodes(pods.keySet());
    startPollIfDue(pool, pods, mem, now, interval);

    List<NodeSample> samples =
        SampleMapper.samples(pods, mem.latest, mem.lastGood, mem.lastGoodStatus);
    trackHot(mem, samples, policy);
    Set<String> current =
        pods.entrySet().stream()
            .filter(e -> AgentPods.serving(e.getValue()))
            .map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    PiServerPoolStatus old = pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    List<Decision.Recommendation> history = mem.history != null ? mem.history : history(old);
    Decision decision = autoscaler.decide(policy, samples, current, previous(old), history, clock);
    mem.history = decision.history();

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
              Instant hot = mem.hotSince.remove(node);
              if (hot != null) {
                metrics.thresholdToLabel(ns, name, Duration.between(hot, labelled));
              }
            }
          });
    }
    servingNow.retainAll(pods.keySet());

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
                Map.copyOf(mem.latest),
                Map.copyOf(mem.lastGood),
                Map.copyOf(mem.lastGoodStatus),
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
            n.getConnections() == null ? 0 : n.getConnections()
          });
    }
    metrics.nodes(ns, name, perNode);
    return new Outcome(status, untilNextPoll(mem, now, interval));
  }

  private void startPollIfDue(
      PiServerPool pool, Map<String, Pod> pods, PoolMemory mem, Instant now, Duration interval) {
    Instant last = mem.lastPollStarted;
    if (last != null && now.isBefore(last.plus(interval))) {
      return;
    }
    int port =
        pool.getSpec().getServer() == null || pool.getSpec().getServer().getAdminPort() == null
            ? io.pipool.api.v1alpha1.ServerSpec.DEFAULT_ADMIN_PORT
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
    if (targets.isEmpty() || !mem.polling.compareAndSet(false, true)) {
      return;
    }
    mem.lastPollStarted = now;
    ResourceID id = ResourceID.fromResource(pool);
    poller
        .pollAll(targets)
        .whenComplete(
            (results, error) -> {
              if (results != null) {
                mem.store(results);
              }
              mem.polling.set(false);
              trigger.fire(id);
            });
  }

  private static Duration untilNextPoll(PoolMemory mem, Instant now, Duration interval) {
    Instant last = mem.lastPollStarted;
    Duration wait = last == null ? interval : Duration.between(now, last.plus(interval));
    return wait.compareTo(MIN_RESCHEDULE) < 0 ? MIN_RESCHEDULE : wait;
  }

  /** Remembers when a node's first sample at or above the drain threshold arrived. */
  private static void trackHot(PoolMemory mem, List<NodeSample> samples, ScalePolicy policy) {
    for (NodeSample s : samples) {
      if (!s.reachable()) {
        continue;
      }
      boolean hot =
          (s.temperatureCelsius() != null && s.temperatureCelsius() >= policy.drainCelsius())
              || (policy.treatThrottledAsHot() && s.throttled());
      if (hot) {
        mem.hotSince.putIfAbsent(s.node(), s.sampledAt());
      } else {
        mem.hotSince.remove(s.node());
      }
    }
  }

  static List<NodeState> previous(PiServerPoolStatus status) {
    if (status.getNodes() == null) {
      return List.of();
    }
    return status.getNodes().stream()
        .filter(n -> n.getName() != null && n.getPhase() != null)
        .map(
            n ->
                new NodeState(
                    n.getName(),
                    NodeState.Phase.valueOf(n.getPhase().name()),
                    parse(n.getPhaseSince()),
                    n.getReason()))
        .toList();
  }

  static List<Decision.Recommendation> history(PiServerPoolStatus status) {
    if (status.getRecommendations() == null) {
      return List.of();
    }
    return status.getRecommendations().stream()
        .filter(r -> r.getTime() != null && r.getReplicas() != null && parse(r.getTime()) != null)
        .map((Recommendation r) -> new Decision.Recommendation(parse(r.getTime()), r.getReplicas()))
        .toList();
  }

  private static Instant parse(String time) {
    if (time == null) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
