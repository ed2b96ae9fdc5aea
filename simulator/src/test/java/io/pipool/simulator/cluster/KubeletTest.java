package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.testing.SteppingClock;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.SimNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet against the embedded API server, with agents it is handed instead of real ones: what
 * a pod's status says (phase, Ready, restarts, why) as the agent's readiness changes or the agent
 * keeps exiting. The test thread plays the control loop: each poll is one turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeletTest {

  private static final Duration PERIOD = Duration.ofSeconds(1);

  private final SteppingClock clock = new SteppingClock();
  // fresh for each test
  private final AtomicBoolean agentsLive = new AtomicBoolean(true);
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger stopped = new AtomicInteger();
  private EmbeddedApiServer api;
  private KubernetesClient client;
  private ClusterCache cache;
  private Vertx vertx;
  private ExecutorService workers;
  private final CommandFaults faults = new CommandFaults();
  private Kubelet kubelet;
  private SimNode node;
  private int adminPort;
  private String podName;

  @BeforeAll
  void startApiServer() {
    api = EmbeddedApiServer.start();
    client = api.newClient("kubelet-test");
    cache = ClusterCache.start(client, false, () -> {});
    vertx = Vertx.vertx();
  }

  @BeforeEach
  void startKubelet(@TempDir Path dir, TestInfo test) {
    podName = test.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
    agentsLive.set(true);
    started.set(0);
    stopped.set(0);
    workers = Executors.newFixedThreadPool(2);
    node = new SimNode(1, "pi-1", SimNode.addressOf(1), dir.resolve("pi-1"));
    adminPort = FreePorts.pick(List.of(node.address()), 1).get(0);
    AgentLauncher launcher =
        (n, yaml, env) -> {
          started.incrementAndGet();
          return CompletableFuture.completedFuture(
              AgentLauncher.RunningAgent.of(
                  adminPort,
                  () -> {
                    stopped.incrementAndGet();
                    return CompletableFuture.completedFuture(null);
                  },
                  agentsLive::get));
        };
    kubelet =
        new Kubelet(
            client,
            cache,
            Map.of(node.name(), node),
            launcher,
            new ReadinessProber(vertx),
            workers,
            clock,
            false,
            faults);
  }

  @AfterEach
  void stopKubelet() {
    kubelet.close();
    workers.shutdownNow();
  }

  @AfterAll
  void stopApiServer() {
    vertx.close();
    cache.close();
    client.close();
    api.close();
  }

  @Test
  void aPodTurnsReadyWhenItsAgentAnswersTheProbeAndNotReadyWhenItStops() throws Exception {
    client.resource(pod()).create();
    awaitPod("Running, not Ready: nothing answers the probe yet", p -> running(p) && !ready(p));
    assertThat(p().getStatus().getPodIP()).isEqualTo(node.address());

    HttpServer probe =
        vertx
            .createHttpServer()
            .requestHandler(req -> req.response().setStatusCode(200).end())
            .listen(adminPort, node.address())
            .toCompletionStage()
            .toCompletableFuture()
            .get();
    awaitPod("Ready once the agent answers /readyz/pod", PERIOD, KubeletTest::ready);
    probe.close().toCompletionStage().toCompletableFuture().get();
    awaitPod("not Ready once it no longer answers", PERIOD, p -> running(p) && !ready(p));

    client.pods().inNamespace("default").withName(podName).delete();
    await("the agent stopped with its pod")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              kubelet.run();
              assertThat(stopped).hasValue(1);
              assertThat(kubelet.runningAgents()).isZero();
            });
  }

  @Test
  void anAgentThatKeepsExitingShowsCrashLoopBackOffAndItsRestarts() {
    agentsLive.set(false);
    client.resource(pod()).create();
    awaitPod("CrashLoopBackOff after the first exit", p -> restarts(p) == 1);
    ContainerStatus agent = p().getStatus().getContainerStatuses().get(0);
    assertThat(agent.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(p().getStatus().getPhase()).isEqualTo("Running");
    assertThat(p().getStatus().getMessage()).isEqualTo("agent process exited; restarting");
    assertThat(ready(p())).isFalse();

    clock.advance(PodLife.BACK_OFF_STEP);
    awaitPod("started again after the back-off, and exited again", p -> restarts(p) == 2);
    assertThat(started).hasValue(2);

    agentsLive.set(true);
    clock.advance(PodLife.BACK_OFF_STEP.multipliedBy(2));
    awaitPod("running once the agent stays up, its restarts kept", p -> running(p));
    assertThat(restarts(p())).isEqualTo(2);
    assertThat(p().getStatus().getMessage()).as("the crash's message is cleared").isNull();
  }

  /** Turns the kubelet until the pod's status satisfies {@code condition}. */
  private void awaitPod(String what, Predicate<Pod> condition) {
    awaitPod(what, Duration.ZERO, condition);
  }

  /** The same, the clock moving on by {@code step} each turn (for the probe's period). */
  private void awaitPod(String what, Duration step, Predicate<Pod> condition) {
    await(what)
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              clock.advance(step);
              kubelet.run();
              Pod p = p();
              assertThat(p != null && p.getStatus() != null && condition.test(p))
                  .as(() -> "pod status: " + (p == null ? null : p.getStatus()))
                  .isTrue();
            });
  }

  private Pod p() {
    return client.pods().inNamespace("default").withName(podName).get();
  }

  private static boolean running(Pod p) {
    List<ContainerStatus> cs = p.getStatus().getContainerStatuses();
    return "Running".equals(p.getStatus().getPhase())
        && cs != null
        && !cs.isEmpty()
        && cs.get(0).getState().getRunning() != null;
  }

  private static boolean ready(Pod p) {
    return PodFacts.ready(p);
  }

  private static int restarts(Pod p) {
    List<ContainerStatus> cs = p.getStatus().getContainerStatuses();
    return cs == null || cs.isEmpty() ? 0 : cs.get(0).getRestartCount();
  }

  private Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace("default")
        .endMetadata()
        .withNewSpec()
        .withNodeName(node.name())
        .addNewContainer()
        .withName("agent")
        .withImage("pipool/node-agent:simulated")
        .withArgs("serve")
        .withNewReadinessProbe()
        .withPeriodSeconds(1)
        .withNewHttpGet()
        .withPath("/readyz/pod")
        .endHttpGet()
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .build();
  }
}
