package io.pipool.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.Cloner;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.autoscale.Autoscaler;
import io.pipool.autoscale.PoolAutoscaler;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.dependent.PoolDependentFactory;
import io.pipool.operator.metrics.HttpEndpoints;
import io.pipool.operator.metrics.OperatorMetrics;
import io.pipool.operator.poll.AgentPoller;
import io.pipool.operator.reconciler.Leadership;
import io.pipool.operator.reconciler.PiServerPoolReconciler;
import io.pipool.operator.reconciler.StopSignal;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pi-pool operator: start it embedded with {@link #start}, or run {@link #main}. */
public final class PiPoolOperator {

  private static final Logger LOG = LoggerFactory.getLogger(PiPoolOperator.class);

  /** Pools reconciled at the same time. */
  static final int RECONCILE_THREADS = 4;

  private final Operator operator;
  private final AgentPoller poller;
  private final HttpEndpoints http;
  private final OperatorMetrics metrics;
  private final StopSignal stopping;

  private PiPoolOperator(
      Operator operator,
      AgentPoller poller,
      HttpEndpoints http,
      OperatorMetrics metrics,
      StopSignal stopping) {
    this.operator = operator;
    this.poller = poller;
    this.http = http;
    this.metrics = metrics;
    this.stopping = stopping;
  }

  /** Starts the operator with the real autoscaler; the client stays open after {@link #stop}. */
  public static PiPoolOperator start(KubernetesClient client, OperatorConfig config, Clock clock) {
    return start(client, config, clock, new PoolAutoscaler());
  }

  /**
   * Starts the operator with the given autoscaler. When leader election is on and the lease is
   * lost, this instance stops reconciling (embedded use); {@link #main} exits instead.
   */
  public static PiPoolOperator start(
      KubernetesClient client, OperatorConfig config, Clock clock, Autoscaler autoscaler) {
    return start(client, config, clock, autoscaler, PiPoolOperator::stopAfterLostLease);
  }

  /**
   * The SDK's clone is a JSON round trip, which would drop what {@link
   * io.pipool.api.validation.SpecReader} could not read (it is never serialized): the reconciler
   * must still see it to report it.
   */
  private static <R extends HasMetadata> R keepParseViolations(R resource, R copy) {
    if (resource instanceof PiServerPool original
        && copy instanceof PiServerPool cloned
        && original.getSpec() != null
        && cloned.getSpec() != null) {
      cloned.getSpec().setParseViolations(original.getSpec().getParseViolations());
    }
    return copy;
  }

  private static PiPoolOperator start(
      KubernetesClient client,
      OperatorConfig config,
      Clock clock,
      Autoscaler autoscaler,
      Consumer<PiPoolOperator> onLostLease) {
    CollectorRegistry registry = new CollectorRegistry(true);
    // JVM figures (memory, GC, threads) next to ours on the same /metrics
    DefaultExports.register(registry);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    AgentPoller poller = new AgentPoller(config.pollTimeout(), clock);
    StopSignal stopping = new StopSignal();
    Leadership leadership = new Leadership(config.instance());
    AtomicReference<PiPoolOperator> self = new AtomicReference<>();
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withUseSSAToPatchPrimaryResource(config.serverSideApply())
                  // the owned objects follow the same switch; ConfigMaps too, which the SDK
                  // would otherwise leave to create and update
                  .withSSABasedCreateUpdateMatchForDependentResources(config.serverSideApply())
                  .withDefaultNonSSAResource(Set.of())
                  .withDependentResourceFactory(
                      new PoolDependentFactory(config.defaultAgentImage()))
                  .withReconciliationTerminationTimeout(Duration.ofSeconds(5))
                  // the SDK's default of 50 threads each costs a stack and a malloc arena; one
                  // pool reconciles on one thread at a time, so a few serve many pools
                  .withConcurrentReconciliationThreads(RECONCILE_THREADS)
                  .withConcurrentWorkflowExecutorThreads(RECONCILE_THREADS)
                  .withResourceCloner(
                      new Cloner() {
                        @Override
                        public <R extends HasMetadata> R clone(R resource) {
                          return keepParseViolations(
                              resource, client.getKubernetesSerialization().clone(resource));
                        }
                      });
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(
                    leaderElection(
                        config,
                        leaseNamespace(config, client),
                        self,
                        onLostLease,
                        () -> leadership.leading(clock.instant())));
              }
            });
    PiServerPoolReconciler reconciler =
        PiServerPoolReconciler.create(
            client, config, clock, metrics, autoscaler, poller, stopping, leadership);
    if (!config.leaderElection()) {
      leadership.leading(clock.instant());
    }
    operator.register(
        reconciler,
        o -> {
          // a safety net: even without events, look at every pool now and then
          o.withReconciliationMaxInterval(Duration.ofMinutes(5));
          if (config.watchAllNamespaces()) {
            o.watchingAllNamespaces();
          } else {
            o.settingNamespaces(config.watchNamespaces());
          }
        });
    HttpEndpoints http = null;
    try {
      if (config.httpPort() >= 0) {
        http =
            HttpEndpoints.start(
                config.httpPort(),
                metrics,
                () -> true,
                () ->
                    operator.getRuntimeInfo().isStarted()
                        && operator.getRuntimeInfo().allEventSourcesAreHealthy());
      }
      PiPoolOperator running = new PiPoolOperator(operator, poller, http, metrics, stopping);
      self.set(running);
      operator.start();
      LOG.info(
          "pi-pool operator {} started: namespaces {}, agent image {}, leader election {}",
          OperatorConfig.VERSION,
          config.watchAllNamespaces() ? "all" : config.watchNamespaces(),
          config.defaultAgentImage(),
          config.leaderElection() ? config.leaseName() + " as " + config.instance() : "off");
      return running;
    } catch (IOException e) {
      poller.close();
      throw new UncheckedIOException("cannot listen on port " + config.httpPort(), e);
    } catch (RuntimeException e) {
      poller.close();
      if (http != null) {
        http.close();
      }
      throw e;
    }
  }

  /**
   * The SDK's own reaction to a lost lease is System.exit, also during a graceful stop (which
   * deadlocks inside a shutdown hook and kills an embedding JVM), so it is turned off and a lost
   * lease outside {@link #stop} is handled here.
   */
  private static LeaderElectionConfiguration leaderElection(
      OperatorConfig config,
      String leaseNamespace,
      AtomicReference<PiPoolOperator> self,
      Consumer<PiPoolOperator> onLostLease,
      Runnable onLeading) {
    // the SDK runs these before it starts reconciling as leader, so every status it writes from
    // then on names this replica
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {
              onLeading.run();
              LOG.info("leading as {}", config.instance());
            },
            () -> {
              PiPoolOperator running = self.get();
              if (running != null && !running.stopping.raised()) {
                LOG.error("lost the lease {}: another replica leads now", config.leaseName());
                onLostLease.accept(running);
              }
            },
            leader -> LOG.info("leader is {}", leader));
    return new LeaderElectionConfiguration(
        config.leaseName(),
        leaseNamespace,
        LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
        LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
        LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
        config.instance(),
        callbacks,
        false);
  }

  /**
   * Where the Lease lives: {@code PIPOOL_LEASE_NAMESPACE}, else the client's namespace (in a pod
   * its own, from a kubeconfig its context's), else {@code default}, as kubectl does when the
   * context names none.
   */
  static String leaseNamespace(OperatorConfig config, KubernetesClient client) {
    if (config.leaseNamespace() != null) {
      return config.leaseNamespace();
    }
    String fromClient = client.getNamespace();
    return fromClient == null || fromClient.isBlank() ? "default" : fromClient;
  }

  private static void stopAfterLostLease(PiPoolOperator running) {
    // not on the elector's own thread: stopping cancels it
    Thread t = new Thread(running::stop, "pipool-operator-lost-lease");
    t.setDaemon(true);
    t.start();
  }

  /** Port of /metrics, /healthz and /readyz, or -1 when they are off. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The metrics, for embedding and tests. */
  public OperatorMetrics metrics() {
    return metrics;
  }

  /** Stops reconciling, polling and serving HTTP; the Kubernetes client stays open. */
  public void stop() {
    // before the SDK stops its informers: a reconcile still running must not publish what it
    // reads from their emptied caches
    stopping.raise();
    try {
      operator.stop();
    } finally {
      poller.close();
      if (http != null) {
        http.close();
      }
    }
  }

  /** Runs against the kubeconfig or in-cluster credentials until SIGTERM. */
  public static void main(String[] args) throws InterruptedException {
    OperatorConfig config = OperatorConfig.fromEnv(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    PiPoolOperator running =
        start(
            client,
            config,
            Clock.systemUTC(),
            new PoolAutoscaler(),
            // a Deployment restarts the process as a follower: safer than two leaders at once
            lost -> new Thread(() -> System.exit(1), "pipool-operator-exit").start());
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  running.stop();
                  client.close();
                  done.countDown();
                },
                "pipool-operator-shutdown"));
    done.await();
  }
}
