package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pipool.simulator.node.SimNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet of the simulated nodes. For an agent pod bound to one of them it runs the init step
 * (the agent's own {@code apply-sysctls} command against the node's fake /proc/sys), starts a real
 * agent bound to the node's address, and reports pod IP, phase, readiness (from the agent's
 * readiness probe) and restarts; it stops the agent when the pod goes. One-shot pods (restore Jobs)
 * run their agent command and end Succeeded or Failed. Host network: a node runs one pod's agent at
 * a time, so a replacement starts only after its predecessor has stopped.
 *
 * <p>Each pod's life is a {@link PodLife} state machine. All of them, and which pod holds each
 * node, belong to the thread that calls {@link #run} (the simulator's control loop); the slow work
 * runs on workers and Vert.x and hands its answers back to that thread through an inbox.
 */
public final class Kubelet implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

  private final KubernetesClient client;
  private final ClusterCache cache;
  private final Map<String, SimNode> nodes;
  private final PodStarter starter;
  private final ReadinessProber prober;
  private final ExecutorService workers;
  private final Clock clock;
  private final boolean confirmDeletion;
  private final PodLife.Effects effects = new Effects();
  // the loop thread's own
  private final Map<String, PodLife> lives = new HashMap<>();
  private final NodeHolders holders = new NodeHolders();
  private final Map<String, CompletableFuture<Void>> writes = new HashMap<>();
  // answers of the slow work, applied on the loop thread at the start of its next turn
  private final Queue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  // what other threads may read: published by the loop at the end of each turn
  private volatile List<AgentLauncher.RunningAgent> agents = List.of();
  private volatile long running;

  /**
   * @param nodes the simulated nodes by name; pods on other nodes are not this kubelet's
   * @param prober probes the agents' readiness
   * @param workers runs the blocking steps (files, agent start and stop, API writes)
   * @param confirmDeletion finish graceful deletions (a real API server waits for the kubelet)
   * @param faults the one-shot commands to kill part-way
   */
  Kubelet(
      KubernetesClient client,
      ClusterCache cache,
      Map<String, SimNode> nodes,
      AgentLauncher launcher,
      ReadinessProber prober,
      ExecutorService workers,
      Clock clock,
      boolean confirmDeletion,
      CommandFaults faults) {
    this.client = client;
    this.cache = cache;
    this.nodes = nodes;
    this.starter = new PodStarter(launcher, this::configMap, faults);
    this.prober = prober;
    this.workers = workers;
    this.clock = clock;
    this.confirmDeletion = confirmDeletion;
  }

  /** One turn: apply the answers that came in, then move every pod on the simulated nodes on. */
  @Override
  public void run() {
    for (Runnable answer = inbox.poll(); answer != null; answer = inbox.poll()) {
      answer.run();
    }
    Instant now = clock.instant();
    Set<String> present = new HashSet<>();
    for (Pod pod : cache.pods()) {
      SimNode node = nodes.get(Objects.toString(pod.getSpec().getNodeName(), ""));
      if (node == null) {
        continue;
      }
      String uid = pod.getMetadata().getUid();
      String namespace = pod.getMetadata().getNamespace();
      String name = pod.getMetadata().getName();
      present.add(uid);
      PodLife life = lives.get(uid);
      if (PodFacts.terminating(pod)) {
        if (life != null) {
          life.delete(true);
        } else {
          effects.confirmDelete(namespace, name);
        }
      } else if (life != null) {
        life.tick(pod, now);
      } else if (!PodStatuses.ended(PodFacts.phase(pod))) { // else finished before we started
        life = new PodLife(uid, namespace, name, node, holders, effects);
        lives.put(uid, life);
        life.tick(pod, now);
      }
    }
    for (PodLife life : lives.values()) {
      if (!present.contains(life.uid)) {
        life.delete(false);
      }
    }
    lives.values().removeIf(l -> l.state() == PodLife.State.GONE);
    writes.keySet().retainAll(lives.keySet());
    publish();
  }

  private void publish() {
    List<AgentLauncher.RunningAgent> all = new ArrayList<>();
    long up = 0;
    for (PodLife life : lives.values()) {
      if (life.agent() != null) {
        all.add(life.agent());
      }
      up += life.state() == PodLife.State.RUNNING ? 1 : 0;
    }
    agents = List.copyOf(all);
    running = up;
  }

  /** Number of agents running now (as of the loop's last turn). */
  public long runningAgents() {
    return running;
  }

  /** Stops every agent (the simulator is shutting down). */
  public CompletableFuture<Void> stopAll() {
    return CompletableFuture.allOf(
        agents.stream()
            .map(a -> a.stop().exceptionally(e -> null))
            .toArray(CompletableFuture[]::new));
  }

  /** Closes the probe client. */
  public void close() {
    prober.close();
  }

  private Map<String, String> configMap(String namespace, String name) {
    var cm = client.configMaps().inNamespace(namespace).withName(name).get();
    return cm == null ? null : cm.getData();
  }

  /** The slow work, off the loop; every answer goes back through the inbox. */
  private final class Effects implements PodLife.Effects {

    @Override
    public void start(PodLife life, Pod pod) {
      CompletableFuture.supplyAsync(() -> starter.start(pod, life.node), workers)
          .exceptionally(e -> unexpected(life, pod, e))
          .thenAccept(outcome -> inbox.add(() -> life.started(outcome, clock.instant())));
    }

    @Override
    public void probe(PodLife life, AgentLauncher.RunningAgent agent, Pod pod) {
      prober
          .probe(life.node.address(), agent.adminPort(), pod)
          .thenAccept(ready -> inbox.add(() -> life.probed(agent, ready)));
    }

    @Override
    public void stop(PodLife life, AgentLauncher.RunningAgent agent) {
      agent.stop().whenComplete((v, e) -> inbox.add(life::stopped));
    }

    @Override
    public void write(PodLife life, PodStatus status) {
      String json = PodStatuses.mergePatch(status);
      CompletableFuture<Void> before =
          writes.getOrDefault(life.uid, CompletableFuture.completedFuture(null));
      writes.put(life.uid, before.thenRunAsync(() -> patch(life, json), workers));
    }

    @Override
    public void confirmDelete(String namespace, String name) {
      if (!confirmDeletion) {
        return;
      }
      workers.execute(
          () -> {
            try {
              client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
            } catch (KubernetesClientException e) {
              LOG.debug("pod {}/{}: {}", namespace, name, e.getMessage());
            }
          });
    }

    private StartOutcome unexpected(PodLife life, Pod pod, Throwable e) {
      LOG.warn("pod {}: {}", life.key(), e.toString());
      return new StartOutcome.AgentFailed(
          List.of(), pod.getSpec().getContainers().get(0).getName(), e.toString());
    }

    private void patch(PodLife life, String json) {
      try {
        client
            .pods()
            .inNamespace(life.namespace)
            .withName(life.name)
            .subresource("status")
            .patch(PatchContext.of(PatchType.JSON_MERGE), json);
      } catch (RuntimeException e) { // caught, so the pod's later writes still run
        if (!(e instanceof KubernetesClientException k) || k.getCode() != 404) {
          LOG.warn("pod {}: status not written: {}", life.key(), e.getMessage());
        }
      }
    }
  }
}
