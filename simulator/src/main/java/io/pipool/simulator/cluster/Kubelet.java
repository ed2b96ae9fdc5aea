package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pipool.simulator.node.SimNode;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet of the simulated nodes. For an agent pod bound to one of them it runs the init step
 * (the agent's own {@code apply-sysctls} command against the node's fake /proc/sys), starts a real
 * agent bound to the node's address, and reports pod IP, phase and readiness (from the agent's
 * readiness probe, on its period); it stops the agent when the pod goes. One-shot pods (restore
 * Jobs) run their agent command and end Succeeded or Failed. Host network: a node runs one agent at
 * a time, so a replacement starts only after its predecessor has stopped.
 */
public final class Kubelet implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final ClusterCache cache;
  private final Map<String, SimNode> nodes;
  private final AgentLauncher launcher;
  private final ReadinessProber prober;
  private final ExecutorService workers;
  private final Clock clock;
  private final boolean confirmDeletion;
  private final Map<String, PodRun> runs = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> nodeFree = new ConcurrentHashMap<>();

  /**
   * @param nodes the simulated nodes by name; pods on other nodes are not this kubelet's
   * @param workers runs the blocking steps (files, agent start and stop)
   * @param confirmDeletion finish graceful deletions (a real API server waits for the kubelet)
   */
  public Kubelet(
      KubernetesClient client,
      ClusterCache cache,
      Map<String, SimNode> nodes,
      AgentLauncher launcher,
      Vertx vertx,
      ExecutorService workers,
      Clock clock,
      boolean confirmDeletion) {
    this.client = client;
    this.cache = cache;
    this.nodes = nodes;
    this.launcher = launcher;
    this.prober = new ReadinessProber(vertx);
    this.workers = workers;
    this.clock = clock;
    this.confirmDeletion = confirmDeletion;
  }

  @Override
  public void run() {
    Instant now = clock.instant();
    Set<String> present = new HashSet<>();
    for (Pod pod : cache.pods()) {
      SimNode node = nodes.get(Optional.ofNullable(pod.getSpec().getNodeName()).orElse(""));
      if (node == null) {
        continue;
      }
      String uid = pod.getMetadata().getUid();
      PodRun run = runs.get(uid);
      if (PodFacts.terminating(pod)) {
        if (run != null) {
          stop(run, true);
        } else if (confirmDeletion) {
          confirmDelete(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        }
        continue;
      }
      present.add(uid);
      if (run == null) {
        String phase = PodFacts.phase(pod);
        if (phase.equals("Succeeded") || phase.equals("Failed")) {
          continue; // finished before this kubelet started
        }
        run = new PodRun(uid, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), node);
        runs.put(uid, run);
      }
      step(run, pod, now);
    }
    for (PodRun run : List.copyOf(runs.values())) {
      if (!present.contains(run.uid)) {
        stop(run, false);
      }
    }
  }

  private void step(PodRun run, Pod pod, Instant now) {
    switch (run.stage) {
      case WAITING -> {
        CompletableFuture<Void> free = nodeFree.get(run.node.name());
        if (now.isBefore(run.notBefore) || (free != null && !free.isDone())) {
          return;
        }
        run.stage = PodRun.Stage.STARTING;
        CompletableFuture.runAsync(() -> start(run, pod), workers)
            .exceptionally(
                e -> {
                  LOG.warn("pod {}: {}", run.key(), e.getMessage());
                  retryLater(run);
                  return null;
                });
      }
      case RUNNING -> {
        if (run.agent.alive()) {
          probe(run, pod, now);
        } else {
          // a separate agent process died: report it and start it again after a back-off
          run.stage = PodRun.Stage.STARTING;
          workers.execute(
              () -> {
                patch(
                    run,
                    PodStatuses.crashLooping(
                        run.initContainers,
                        run.container,
                        "agent process exited; restarting",
                        clock.instant(),
                        run.node.address()));
                nodeFree
                    .computeIfAbsent(run.node.name(), k -> new CompletableFuture<>())
                    .complete(null);
                retryLater(run);
              });
        }
      }
      default -> {
        // in progress or done
      }
    }
  }

  private void start(PodRun run, Pod pod) {
    Instant now = clock.instant();
    SimNode node = run.node;
    List<Container> inits =
        Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of());
    List<Container> mains = pod.getSpec().getContainers();
    run.initContainers = inits.stream().map(Container::getName).toList();
    List<ContainerRecipe> recipes = new ArrayList<>();
    try {
      for (Container c : inits) {
        recipes.add(
            PodRecipes.read(pod.getMetadata(), pod.getSpec(), c, this::configMap, node.address()));
      }
      for (Container c : mains) {
        recipes.add(
            PodRecipes.read(pod.getMetadata(), pod.getSpec(), c, this::configMap, node.address()));
      }
    } catch (IllegalArgumentException e) {
      String first = inits.isEmpty() ? mains.get(0).getName() : inits.get(0).getName();
      patch(run, PodStatuses.initFailed(first, names(mains), e.getMessage(), now, node.address()));
      retryLater(run);
      return;
    }
    Optional<ContainerRecipe> serve =
        recipes.stream().filter(r -> r.verb().equals(ContainerRecipe.SERVE)).findFirst();
    for (ContainerRecipe r : recipes) {
      if (r.verb().equals(ContainerRecipe.SERVE)) {
        continue;
      }
      String failure = AgentCommands.run(run.node, run.name, r);
      if (failure != null) {
        if (serve.isPresent()) {
          patch(
              run,
              PodStatuses.initFailed(r.container(), names(mains), failure, now, node.address()));
          retryLater(run);
        } else {
          finish(run, r.container(), false, failure);
        }
        return;
      }
      if (serve.isEmpty()) {
        finish(run, r.container(), true, "done");
        return;
      }
    }
    ContainerRecipe s = serve.orElseThrow();
    run.container = s.container();
    Map<String, String> env = AgentEnv.forNode(node, s.env());
    CompletableFuture<Void> free = new CompletableFuture<>();
    nodeFree.put(node.name(), free);
    AgentLauncher.RunningAgent agent;
    try {
      agent = launcher.start(node, s.configYaml(), env).join();
    } catch (RuntimeException e) {
      free.complete(null);
      String why = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
      patch(
          run,
          PodStatuses.crashLooping(run.initContainers, s.container(), why, now, node.address()));
      retryLater(run);
      return;
    }
    synchronized (run) {
      run.agent = agent;
      run.startedAt = clock.instant();
      run.ready = false;
      if (run.stage == PodRun.Stage.STOPPING) {
        stopAgent(run); // the pod went away while the agent was starting
        return;
      }
      run.stage = PodRun.Stage.RUNNING;
      run.failures = 0;
    }
    patch(
        run,
        PodStatuses.running(
            run.initContainers, s.container(), false, run.startedAt, node.address()));
  }

  private void finish(PodRun run, String container, boolean ok, String message) {
    run.stage = PodRun.Stage.DONE;
    patch(run, PodStatuses.finished(container, ok, message, clock.instant(), run.node.address()));
  }

  private void retryLater(PodRun run) {
    synchronized (run) {
      run.failures++;
      long backoff = Math.min(RETRY.toMillis() * run.failures, 30_000);
      run.notBefore = clock.instant().plusMillis(backoff);
      if (run.stage == PodRun.Stage.STOPPING) {
        runs.remove(run.uid); // the pod went away while its start failed
      } else {
        run.stage = PodRun.Stage.WAITING;
      }
    }
  }

  private void probe(PodRun run, Pod pod, Instant now) {
    prober.probe(
        run,
        pod,
        now,
        ready ->
            workers.execute(
                () ->
                    patch(
                        run,
                        PodStatuses.running(
                            run.initContainers,
                            run.container,
                            ready,
                            run.startedAt,
                            run.node.address()))));
  }

  private void stop(PodRun run, boolean confirm) {
    synchronized (run) {
      if (run.stage == PodRun.Stage.STOPPING) {
        return;
      }
      boolean starting = run.stage == PodRun.Stage.STARTING;
      run.stage = PodRun.Stage.STOPPING;
      if (starting) {
        return; // start() sees STOPPING and stops the agent it just started
      }
    }
    CompletableFuture<Void> done =
        run.agent == null ? CompletableFuture.completedFuture(null) : stopAgent(run);
    done.whenComplete(
        (v, e) -> {
          runs.remove(run.uid);
          if (confirm && confirmDeletion) {
            confirmDelete(run.namespace, run.name);
          }
        });
  }

  private CompletableFuture<Void> stopAgent(PodRun run) {
    CompletableFuture<Void> free =
        nodeFree.computeIfAbsent(run.node.name(), k -> new CompletableFuture<>());
    return run.agent
        .stop()
        .whenComplete(
            (v, e) -> {
              free.complete(null);
              runs.remove(run.uid);
            });
  }

  private void confirmDelete(String namespace, String name) {
    workers.execute(
        () -> {
          try {
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
          } catch (KubernetesClientException e) {
            LOG.debug("pod {}/{}: {}", namespace, name, e.getMessage());
          }
        });
  }

  private void patch(PodRun run, String json) {
    try {
      client
          .pods()
          .inNamespace(run.namespace)
          .withName(run.name)
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), json);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        LOG.warn("pod {}: status not written: {}", run.key(), e.getMessage());
      }
    }
  }

  private Map<String, String> configMap(String namespace, String name) {
    var cm = client.configMaps().inNamespace(namespace).withName(name).get();
    return cm == null ? null : cm.getData();
  }

  private static List<String> names(List<Container> containers) {
    return containers.stream().map(Container::getName).toList();
  }

  /** Number of agents running now. */
  public long runningAgents() {
    return runs.values().stream().filter(r -> r.stage == PodRun.Stage.RUNNING).count();
  }

  /** Stops every agent (the simulator is shutting down). */
  public CompletableFuture<Void> stopAll() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (PodRun run : runs.values()) {
      if (run.agent != null) {
        all.add(run.agent.stop().exceptionally(e -> null));
      }
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  /** Closes the probe client. */
  public void close() {
    prober.close();
  }
}
