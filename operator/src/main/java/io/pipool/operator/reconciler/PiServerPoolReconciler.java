package io.pipool.operator.reconciler;

import static io.pipool.operator.reconciler.PiServerPoolReconciler.AGENT_CONFIG;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.pipool.api.v1alpha1.LeaderStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.validation.Printable;
import io.pipool.api.validation.SpecValidator;
import io.pipool.api.validation.Violation;
import io.pipool.autoscale.Autoscaler;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.dependent.AgentConfigMap;
import io.pipool.operator.dependent.AgentDaemonSet;
import io.pipool.operator.dependent.AgentRole;
import io.pipool.operator.dependent.AgentRoleBinding;
import io.pipool.operator.dependent.AgentServiceAccount;
import io.pipool.operator.dependent.FrontendConfigMap;
import io.pipool.operator.dependent.PoolService;
import io.pipool.operator.metrics.OperatorMetrics;
import io.pipool.operator.model.PoolNames;
import io.pipool.operator.poll.AgentPoller;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.status.StatusComposer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a PiServerPool: checks the spec, has the SDK apply the owned objects (the managed
 * workflow below, invoked only for a valid spec), lets the {@link ServingPass} decide and label,
 * and patches status only when it changed.
 */
@Workflow(
    // invoked by reconcile once the spec is valid: a reconcile precondition would instead make
    // the SDK delete the running objects of a pool whose spec an edit made invalid
    explicitInvocation = true,
    dependents = {
      @Dependent(name = "serviceaccount", type = AgentServiceAccount.class),
      @Dependent(name = "role", type = AgentRole.class),
      @Dependent(name = "rolebinding", type = AgentRoleBinding.class, dependsOn = "role"),
      @Dependent(name = AGENT_CONFIG, type = AgentConfigMap.class),
      // identity, permissions and configuration before the pods that use them
      @Dependent(
          name = "daemonset",
          type = AgentDaemonSet.class,
          dependsOn = {"serviceaccount", "rolebinding", AGENT_CONFIG}),
      @Dependent(name = "service", type = PoolService.class),
      // one ConfigMap informer serves both ConfigMaps
      @Dependent(
          name = "frontend",
          type = FrontendConfigMap.class,
          useEventSourceWithName = AGENT_CONFIG)
    })
public final class PiServerPoolReconciler
    implements Reconciler<PiServerPool>, Cleaner<PiServerPool> {

  private static final Logger LOG = LoggerFactory.getLogger(PiServerPoolReconciler.class);

  static final String AGENT_CONFIG = "agent-config";

  private final StatusWriter status;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final EventRecorder events;
  private final ServingPass serving;
  private final RestoreCoordinator restore;
  private final PollTrigger trigger;
  private final StopSignal stop;
  private final Leadership leadership;

  /**
   * Per pool, what its last reconcile left; each entry is replaced only by its pool's reconcile.
   */
  private final Map<ResourceID, PoolMemory> memory = new ConcurrentHashMap<>();

  PiServerPoolReconciler(
      OperatorConfig config,
      Clock clock,
      OperatorMetrics metrics,
      EventRecorder events,
      ServingPass serving,
      RestoreCoordinator restore,
      PollTrigger trigger,
      StopSignal stop,
      Leadership leadership) {
    this.status = new StatusWriter(config.serverSideApply());
    this.clock = clock;
    this.metrics = metrics;
    this.events = events;
    this.serving = serving;
    this.restore = restore;
    this.trigger = trigger;
    this.stop = stop;
    this.leadership = leadership;
  }

  /** The reconciler and its collaborators, all writing through {@code client}. */
  public static PiServerPoolReconciler create(
      KubernetesClient client,
      OperatorConfig config,
      Clock clock,
      OperatorMetrics metrics,
      Autoscaler autoscaler,
      AgentPoller poller,
      StopSignal stop,
      Leadership leadership) {
    EventRecorder events = new EventRecorder(client, clock, config.instance());
    PollTrigger trigger = new PollTrigger();
    ServingPass serving =
        new ServingPass(
            autoscaler,
            poller,
            trigger,
            new ServingLabeler(client),
            events,
            metrics,
            config,
            clock);
    return new PiServerPoolReconciler(
        config,
        clock,
        metrics,
        events,
        serving,
        new RestoreCoordinator(client, config, clock, events),
        trigger,
        stop,
        leadership);
  }

  /** Besides the dependents' own: the agent pods, the restore Jobs and the poll handoff. */
  @Override
  public List<EventSource<?, PiServerPool>> prepareEventSources(
      EventSourceContext<PiServerPool> context) {
    return List.of(WatchedSources.agentPods(context), WatchedSources.restoreJobs(context), trigger);
  }

  @Override
  public UpdateControl<PiServerPool> reconcile(PiServerPool pool, Context<PiServerPool> context) {
    long start = System.nanoTime();
    boolean failed = true;
    try {
      UpdateControl<PiServerPool> control = doReconcile(pool, context);
      failed = false;
      return control;
    } finally {
      metrics.reconciled(
          pool.getMetadata().getNamespace(),
          pool.getMetadata().getName(),
          Duration.ofNanos(System.nanoTime() - start),
          failed);
    }
  }

  private UpdateControl<PiServerPool> doReconcile(
      PiServerPool pool, Context<PiServerPool> context) {
    Instant now = clock.instant();
    PiServerPoolStatus current = pool.getStatus();
    List<Violation> violations = SpecValidator.validate(pool.getSpec());
    if (!violations.isEmpty()) {
      // touch nothing that runs: no apply, no relabel, only tell the user
      PiServerPoolStatus next = StatusComposer.invalid(pool, violations, now);
      String message =
          Conditions.find(next.getConditions(), Conditions.VALID).orElseThrow().getMessage();
      boolean news =
          current == null
              || Conditions.find(current.getConditions(), Conditions.VALID)
                  .map(c -> !"False".equals(c.getStatus()) || !message.equals(c.getMessage()))
                  .orElse(true);
      if (news) {
        LOG.warn(
            "{}/{}: invalid spec, nothing changed: {}",
            pool.getMetadata().getNamespace(),
            pool.getMetadata().getName(),
            message);
      }
      events.warning(pool, "InvalidSpec", message);
      return finish(pool, context, current, next, null);
    }
    if (stop.raised()) {
      return UpdateControl.noUpdate();
    }
    boolean created = context.getSecondaryResource(DaemonSet.class).isEmpty();
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    ResourceID id = ResourceID.fromResource(pool);
    Map<String, Pod> pods = AgentPods.byNode(context.getSecondaryResources(Pod.class));
    DaemonSet daemonSet = context.getSecondaryResource(DaemonSet.class).orElse(null);
    if (stop.raised()) {
      // the caches may have been emptied under this reconcile: an empty pool here is no
      // observation, and publishing it would show DESIRED 0 until the next leader reconciles
      LOG.info(
          "{}/{}: the operator is stopping; leaving the pool as published",
          pool.getMetadata().getNamespace(),
          pool.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    if (created) {
      events.normal(
          pool,
          "Created",
          "created ServiceAccount, Role, RoleBinding and ConfigMap "
              + PoolNames.agent(pool)
              + ", DaemonSet "
              + PoolNames.agent(pool)
              + " and Service "
              + PoolNames.service(pool));
    }
    ServingPass.Outcome outcome =
        serving.run(pool, pods, daemonSet, memory.getOrDefault(id, PoolMemory.EMPTY), now);
    memory.put(id, outcome.memory());
    outcome.status().setFrontendConfigMap(PoolNames.frontend(pool));
    return finish(pool, context, current, outcome.status(), outcome.nextPoll());
  }

  /** A failed reconcile shows as Ready=False with the error, written only when it is news. */
  @Override
  public ErrorStatusUpdateControl<PiServerPool> updateErrorStatus(
      PiServerPool pool, Context<PiServerPool> context, Exception e) {
    // an API server's error text can quote the pool's own values: one line each, in log and status
    LOG.warn(
        "{}/{}: reconcile failed: {}",
        pool.getMetadata().getNamespace(),
        pool.getMetadata().getName(),
        Printable.escape(e.toString()));
    if (stop.raised()) {
      // a reconcile cut short by the stop (its client calls interrupted) is no news for the user
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    PiServerPoolStatus current =
        pool.getStatus() == null ? new PiServerPoolStatus() : pool.getStatus();
    PiServerPoolStatus next = StatusComposer.copy(current);
    String message =
        Printable.escape(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    next.setConditions(
        Conditions.set(
            current.getConditions(),
            Conditions.READY,
            "False",
            "ReconcileFailed",
            message.length() > 500 ? message.substring(0, 500) : message,
            pool.getMetadata().getGeneration(),
            clock.instant()));
    if (!StatusComposer.differs(pool.getStatus(), next)) {
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    return status.writeError(pool, context, next);
  }

  private UpdateControl<PiServerPool> finish(
      PiServerPool pool,
      Context<PiServerPool> context,
      PiServerPoolStatus current,
      PiServerPoolStatus next,
      Duration reschedule) {
    UpdateControl<PiServerPool> control = UpdateControl.noUpdate();
    LeaderStatus leader = leadership.status();
    if (leader != null) {
      next.setLeader(leader);
      String change = Leadership.change(current == null ? null : current.getLeader(), leader);
      if (change != null) {
        LOG.info(
            "{}/{}: {}", pool.getMetadata().getNamespace(), pool.getMetadata().getName(), change);
        events.normal(pool, "LeaderChanged", change);
      }
    }
    metrics.conditions(
        pool.getMetadata().getNamespace(), pool.getMetadata().getName(), next.getConditions());
    if (StatusComposer.differs(current, next)) {
      control = status.write(pool, context, next);
    }
    return reschedule == null ? control : control.rescheduleAfter(reschedule);
  }

  @Override
  public DeleteControl cleanup(PiServerPool pool, Context<PiServerPool> context) {
    if (stop.raised()) {
      // with the caches emptied the pool would look as if it had no nodes left to restore
      return DeleteControl.noFinalizerRemoval();
    }
    ResourceID id = ResourceID.fromResource(pool);
    boolean restoreWanted =
        pool.getSpec() == null
            || pool.getSpec().getSysctls() == null
            || !Boolean.FALSE.equals(pool.getSpec().getSysctls().getRestoreOnDelete());
    DeleteControl control;
    if (!restoreWanted) {
      control = DeleteControl.defaultDelete();
    } else {
      Set<String> nodes = AgentPods.byNode(context.getSecondaryResources(Pod.class)).keySet();
      control = restore.step(pool, nodes, context.getSecondaryResources(Job.class));
    }
    if (control.isRemoveFinalizer()) {
      memory.remove(id);
      trigger.forget(id);
      metrics.forget(pool.getMetadata().getNamespace(), pool.getMetadata().getName());
      events.forget(pool);
    }
    return control;
  }
}
