package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.validation.Printable;
import io.pipool.api.validation.SpecValidator;
import io.pipool.api.validation.Violation;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.metrics.OperatorMetrics;
import io.pipool.operator.model.DesiredState;
import io.pipool.operator.model.FrontendModel;
import io.pipool.operator.model.PoolNames;
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
 * Reconciles a PiServerPool: checks the spec, applies the owned objects that differ, lets the
 * {@link ServingPass} decide and label, and patches status only when it changed.
 */
public final class PiServerPoolReconciler
    implements Reconciler<PiServerPool>, Cleaner<PiServerPool> {

  private static final Logger LOG = LoggerFactory.getLogger(PiServerPoolReconciler.class);

  private final OperatorConfig config;
  private final Clock clock;
  private final OperatorMetrics metrics;
  private final ServingPass serving;
  private final PollTrigger trigger = new PollTrigger();
  private final Map<ResourceID, PoolMemory> memory = new ConcurrentHashMap<>();
  private volatile EventRecorder events;
  private volatile ResourceApplier applier;
  private volatile RestoreCoordinator restore;

  public PiServerPoolReconciler(
      OperatorConfig config, Clock clock, OperatorMetrics metrics, ServingPass serving) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.serving = serving;
  }

  @Override
  public List<EventSource<?, PiServerPool>> prepareEventSources(
      EventSourceContext<PiServerPool> context) {
    KubernetesClient client = context.getClient();
    events = new EventRecorder(client, clock, config.instance());
    applier = new ResourceApplier(client);
    restore = new RestoreCoordinator(client, config, clock, events);
    serving.bind(client, events, metrics, trigger);
    return OwnedSources.all(context, trigger);
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
    boolean created = applyOwned(pool, context);
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
    PoolMemory mem = memory.computeIfAbsent(ResourceID.fromResource(pool), id -> new PoolMemory());
    Map<String, Pod> pods = AgentPods.byNode(context.getSecondaryResources(Pod.class));
    DaemonSet daemonSet = context.getSecondaryResource(DaemonSet.class).orElse(null);
    ServingPass.Outcome outcome = serving.run(pool, pods, daemonSet, mem, now);
    apply(pool, DesiredState.stamp(FrontendModel.configMap(pool, frontendNodes(pods))), context);
    outcome.status().setFrontendConfigMap(PoolNames.frontend(pool));
    return finish(pool, context, current, outcome.status(), outcome.nextPoll());
  }

  /** The pool's nodes as a balancer reaches them: running agents with an address. */
  private static List<FrontendModel.Node> frontendNodes(Map<String, Pod> pods) {
    return pods.entrySet().stream()
        .filter(e -> AgentPods.running(e.getValue()))
        .map(
            e ->
                new FrontendModel.Node(
                    e.getKey(),
                    e.getValue().getStatus().getPodIP(),
                    AgentPods.serving(e.getValue())))
        .toList();
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
    if (!config.serverSideApply()) {
      writeWithLock(pool, context, next);
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    return ErrorStatusUpdateControl.patchStatus(statusOnly(pool, next));
  }

  private UpdateControl<PiServerPool> finish(
      PiServerPool pool,
      Context<PiServerPool> context,
      PiServerPoolStatus current,
      PiServerPoolStatus next,
      Duration reschedule) {
    UpdateControl<PiServerPool> control = UpdateControl.noUpdate();
    metrics.conditions(
        pool.getMetadata().getNamespace(), pool.getMetadata().getName(), next.getConditions());
    if (StatusComposer.differs(current, next)) {
      if (config.serverSideApply()) {
        control = UpdateControl.patchStatus(statusOnly(pool, next));
      } else {
        writeWithLock(pool, context, next);
      }
    }
    return reschedule == null ? control : control.rescheduleAfter(reschedule);
  }

  /**
   * Without server-side apply the SDK's status patch is a JSON patch computed against the cached
   * pool with locking off; against a stale cache it can remove the wrong list entry. A locked PUT
   * of the whole status (re-read and retried on conflict, result cached) cannot.
   */
  private static void writeWithLock(
      PiServerPool pool, Context<PiServerPool> context, PiServerPoolStatus next) {
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        pool,
        context,
        p -> {
          p.setStatus(next);
          return p;
        });
  }

  /**
   * Only what the status write needs: with server-side apply (the production default) the operator
   * then owns just the status fields, never the user's spec or metadata. A new PiServerPool carries
   * no spec, so none is sent.
   */
  static PiServerPool statusOnly(PiServerPool pool, PiServerPoolStatus status) {
    PiServerPool patch = new PiServerPool();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(pool.getMetadata().getName())
            .withNamespace(pool.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }

  /** Applies the owned objects; true when the DaemonSet was created now. */
  private boolean applyOwned(PiServerPool pool, Context<PiServerPool> context) {
    boolean createdDaemonSet = false;
    for (HasMetadata desired : DesiredState.of(pool, config.defaultAgentImage())) {
      if (apply(pool, desired, context) == ResourceApplier.Outcome.CREATED
          && desired instanceof DaemonSet) {
        createdDaemonSet = true;
      }
    }
    return createdDaemonSet;
  }

  @SuppressWarnings("unchecked")
  private <R extends HasMetadata> ResourceApplier.Outcome apply(
      PiServerPool pool, R desired, Context<PiServerPool> context) {
    Class<R> type = (Class<R>) desired.getClass();
    InformerEventSource<R, PiServerPool> source =
        (InformerEventSource<R, PiServerPool>)
            context.eventSourceRetriever().getEventSourceFor(type);
    ResourceID id = ResourceID.fromResource(desired);
    R actual = source.get(id).orElse(null);
    ResourceApplier.Result<R> result = applier.apply(desired, actual);
    // keep our own write in the cache, so the next reconcile does not compare with a stale copy
    switch (result.outcome()) {
      case CREATED -> source.handleRecentResourceCreate(id, result.object());
      case UPDATED -> source.handleRecentResourceUpdate(id, result.object(), actual);
      default -> {}
    }
    if (result.outcome() != ResourceApplier.Outcome.UNCHANGED) {
      LOG.info(
          "{}/{}: {} {} {}",
          pool.getMetadata().getNamespace(),
          pool.getMetadata().getName(),
          result.outcome().name().toLowerCase(java.util.Locale.ROOT),
          desired.getKind(),
          desired.getMetadata().getName());
    }
    return result.outcome();
  }

  @Override
  public DeleteControl cleanup(PiServerPool pool, Context<PiServerPool> context) {
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
      metrics.forget(pool.getMetadata().getNamespace(), pool.getMetadata().getName());
      events.forget(pool);
    }
    return control;
  }
}
