package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.simulator.node.SimNode;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated cluster's control loop: one thread that runs, every 200 ms, the controllers the
 * embedded API server lacks (DaemonSet, Job, garbage collector) and the kubelet of the simulated
 * nodes, with a few workers for their blocking steps.
 */
public final class ControlLoop implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlLoop.class);
  private static final long PERIOD_MS = 200;

  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(daemon("pi-pool-sim-control"));
  private final ExecutorService workers =
      Executors.newFixedThreadPool(4, daemon("pi-pool-sim-worker"));
  private final Kubelet kubelet;

  /**
   * Starts the loop.
   *
   * @param nodes the simulated nodes by name
   * @param launcher starts the agents of their pods
   * @param controllers also play the DaemonSet and Job controllers and the garbage collector (the
   *     embedded API server has none); the kubelet then needs not confirm deletions
   * @param faults the agents' one-shot commands to kill part-way (fault tests)
   */
  public ControlLoop(
      KubernetesClient client,
      ClusterCache cache,
      Map<String, SimNode> nodes,
      AgentLauncher launcher,
      Vertx vertx,
      Clock clock,
      boolean controllers,
      CommandFaults faults) {
    this.kubelet =
        new Kubelet(
            client,
            cache,
            nodes,
            launcher,
            new ReadinessProber(vertx),
            workers,
            clock,
            !controllers,
            faults);
    List<Runnable> steps = new ArrayList<>();
    if (controllers) {
      steps.add(new DaemonSetController(client, cache, clock));
      steps.add(new JobController(client, cache, clock));
      steps.add(new GarbageCollector(client, cache, clock, Duration.ofSeconds(2)));
    }
    steps.add(kubelet);
    loop.scheduleWithFixedDelay(
        () -> steps.forEach(ControlLoop::safely), 0, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** The loop's thread, for other periodic work of the simulator (the thermal models). */
  public ScheduledExecutorService executor() {
    return loop;
  }

  /** Agents running now. */
  public long runningAgents() {
    return kubelet.runningAgents();
  }

  private static void safely(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn("{}: {}", step.getClass().getSimpleName(), e.toString());
    }
  }

  /** Stops the loop first (so no agent starts after), then every agent, then the workers. */
  @Override
  public void close() {
    loop.shutdown();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
      kubelet.stopAll().get(40, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("agents did not all stop: {}", e.toString());
    }
    loop.shutdownNow();
    workers.shutdownNow();
    kubelet.close();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
