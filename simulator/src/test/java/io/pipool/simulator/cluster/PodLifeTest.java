package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.pipool.api.testing.SteppingClock;
import io.pipool.simulator.node.SimNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kubelet's state machine for one pod, seen as a user of the simulator sees it: the status it
 * writes (phase, readiness, restarts, why), when it starts and stops the agent, and when it lets a
 * deletion finish. The slow work is recorded instead of done; its answers are given by hand.
 */
class PodLifeTest {

  private static final SimNode NODE = new SimNode(1, "pi-1", "127.0.1.1", Path.of("/tmp/unused"));
  private static final List<String> INITS = List.of("apply-sysctls");

  private final SteppingClock clock = new SteppingClock();
  private final NodeHolders holders = new NodeHolders();
  private final Recorder fx = new Recorder();
  private final Pod pod = pod();

  @Test
  void aStartedAgentMakesThePodRunningAndItsProbeMakesItReady() {
    PodLife life = life("a");
    life.tick(pod, clock.instant());
    assertThat(fx.starts).containsExactly("a");

    Agent agent = new Agent();
    life.started(new StartOutcome.Started(agent, INITS, "agent"), clock.instant());
    assertThat(fx.last().getPhase()).isEqualTo("Running");
    assertThat(ready(fx.last())).isFalse();
    assertThat(fx.last().getPodIP()).isEqualTo("127.0.1.1");
    assertThat(fx.last().getInitContainerStatuses().get(0).getState().getTerminated().getExitCode())
        .isZero();

    life.tick(pod, clock.instant());
    assertThat(fx.probes).isEqualTo(1);
    life.probed(agent, true);
    assertThat(ready(fx.last())).isTrue();
    assertThat(main(fx.last()).getRestartCount()).isZero();

    int writes = fx.writes.size();
    life.probed(agent, true);
    assertThat(fx.writes).as("an unchanged answer writes nothing").hasSize(writes);
    life.probed(agent, false);
    assertThat(ready(fx.last())).as("NotReady again").isFalse();
  }

  @Test
  void anAgentThatExitsIsReportedCrashLoopingAndRestartedAfterABackOff() {
    PodLife life = life("a");
    Agent agent = run(life);
    agent.alive = false;
    life.tick(pod, clock.instant());
    assertThat(main(fx.last()).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(main(fx.last()).getRestartCount()).isEqualTo(1);
    assertThat(ready(fx.last())).isFalse();
    assertThat(holders.holder("pi-1")).as("the node is free again").isEmpty();

    life.tick(pod, clock.instant());
    assertThat(fx.starts).as("not before the back-off").hasSize(1);
    clock.advance(PodLife.BACK_OFF_STEP);
    life.tick(pod, clock.instant());
    assertThat(fx.starts).hasSize(2);
    life.started(new StartOutcome.Started(new Agent(), INITS, "agent"), clock.instant());
    assertThat(fx.last().getPhase()).isEqualTo("Running");
    assertThat(main(fx.last()).getRestartCount()).as("RESTARTS in kubectl get pods").isEqualTo(1);
  }

  @Test
  void aFailingInitStepKeepsThePodPendingAndRetriesLaterEachTime() {
    PodLife life = life("a");
    life.tick(pod, clock.instant());
    life.started(
        new StartOutcome.InitFailed("apply-sysctls", List.of("agent"), "exit 2: refused"),
        clock.instant());
    PodStatus pending = fx.last();
    assertThat(pending.getPhase()).isEqualTo("Pending");
    assertThat(pending.getMessage()).isEqualTo("exit 2: refused");
    ContainerStatus init = pending.getInitContainerStatuses().get(0);
    assertThat(init.getState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(init.getRestartCount()).isEqualTo(1);
    assertThat(main(pending).getState().getWaiting().getReason()).isEqualTo("PodInitializing");

    clock.advance(PodLife.BACK_OFF_STEP);
    life.tick(pod, clock.instant());
    life.started(
        new StartOutcome.InitFailed("apply-sysctls", List.of("agent"), "exit 2: refused"),
        clock.instant());
    assertThat(fx.last().getInitContainerStatuses().get(0).getRestartCount()).isEqualTo(2);
    clock.advance(PodLife.BACK_OFF_STEP);
    life.tick(pod, clock.instant());
    assertThat(fx.starts).as("the second back-off is longer").hasSize(2);
    clock.advance(PodLife.BACK_OFF_STEP);
    life.tick(pod, clock.instant());
    assertThat(fx.starts).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aOneShotPodEndsSucceededOrFailedAndIsForgottenWhenDeleted(boolean ok) {
    PodLife life = life("job");
    life.tick(pod, clock.instant());
    life.started(
        new StartOutcome.Finished("restore-sysctls", ok, ok ? "done" : "exit 1"), clock.instant());
    assertThat(fx.last().getPhase()).isEqualTo(ok ? "Succeeded" : "Failed");
    assertThat(fx.last().getMessage()).isEqualTo(ok ? null : "exit 1");
    assertThat(life.state()).isEqualTo(PodLife.State.FINISHED);
    life.delete(true);
    assertThat(life.state()).isEqualTo(PodLife.State.GONE);
    assertThat(fx.confirmed).containsExactly("default/job");
  }

  @Test
  void deletingARunningPodStopsItsAgentAndConfirmsOnlyOnceItHasStopped() {
    PodLife life = life("a");
    Agent agent = run(life);
    life.delete(true);
    assertThat(fx.stops).containsExactly(agent);
    assertThat(fx.confirmed).as("Terminating until the agent has stopped").isEmpty();
    assertThat(holders.holder("pi-1")).as("the node stays taken").contains("a-uid");
    life.stopped();
    assertThat(life.state()).isEqualTo(PodLife.State.GONE);
    assertThat(fx.confirmed).containsExactly("default/a");
    assertThat(holders.holder("pi-1")).isEmpty();
  }

  @Test
  void aPodDeletedWhileStartingStopsTheAgentThatStartsAfterwards() {
    PodLife life = life("a");
    life.tick(pod, clock.instant());
    life.delete(true);
    assertThat(life.state()).isEqualTo(PodLife.State.STOPPING);
    Agent late = new Agent();
    life.started(new StartOutcome.Started(late, INITS, "agent"), clock.instant());
    assertThat(fx.stops).containsExactly(late);
    assertThat(fx.writes).as("no Running status for a deleted pod").isEmpty();
    life.stopped();
    assertThat(fx.confirmed).containsExactly("default/a");
  }

  @Test
  void aReplacementWaitsUntilItsPredecessorHasLeftTheNode() {
    PodLife old = life("old");
    run(old);
    PodLife next = life("next");
    next.tick(pod, clock.instant());
    assertThat(fx.starts).as("host network: one agent per node").containsExactly("old");
    old.delete(false);
    next.tick(pod, clock.instant());
    assertThat(fx.starts).containsExactly("old");
    old.stopped();
    assertThat(fx.confirmed).as("a pod gone from the API needs no confirmation").isEmpty();
    next.tick(pod, clock.instant());
    assertThat(fx.starts).containsExactly("old", "next");
  }

  @Test
  void aProbeAnswerAboutAnAgentThatHasSinceExitedChangesNothing() {
    PodLife life = life("a");
    Agent first = run(life);
    life.tick(pod, clock.instant());
    first.alive = false;
    life.tick(pod, clock.instant());
    int writes = fx.writes.size();
    life.probed(first, true);
    assertThat(fx.writes).hasSize(writes);
  }

  private PodLife life(String name) {
    return new PodLife(name + "-uid", "default", name, NODE, holders, fx);
  }

  private Agent run(PodLife life) {
    life.tick(pod, clock.instant());
    Agent agent = new Agent();
    life.started(new StartOutcome.Started(agent, INITS, "agent"), clock.instant());
    return agent;
  }

  private static boolean ready(PodStatus s) {
    return s.getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }

  private static ContainerStatus main(PodStatus s) {
    return s.getContainerStatuses().get(0);
  }

  private static Pod pod() {
    return new PodBuilder()
        .withNewSpec()
        .withNodeName("pi-1")
        .addNewContainer()
        .withName("agent")
        .endContainer()
        .endSpec()
        .build();
  }

  /** An agent whose liveness the test sets. */
  private static final class Agent implements AgentLauncher.RunningAgent {
    boolean alive = true;

    @Override
    public int adminPort() {
      return 9090;
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> stop() {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    @Override
    public boolean alive() {
      return alive;
    }
  }

  /** Records what the state machine asks for. */
  private static final class Recorder implements PodLife.Effects {
    final List<String> starts = new ArrayList<>();
    final List<AgentLauncher.RunningAgent> stops = new ArrayList<>();
    final List<PodStatus> writes = new ArrayList<>();
    final List<String> confirmed = new ArrayList<>();
    int probes;

    PodStatus last() {
      return writes.get(writes.size() - 1);
    }

    @Override
    public void start(PodLife life, Pod pod) {
      starts.add(life.name);
    }

    @Override
    public void probe(PodLife life, AgentLauncher.RunningAgent agent, Pod pod) {
      probes++;
    }

    @Override
    public void stop(PodLife life, AgentLauncher.RunningAgent agent) {
      stops.add(agent);
    }

    @Override
    public void write(PodLife life, PodStatus status) {
      writes.add(status);
    }

    @Override
    public void confirmDelete(String namespace, String name) {
      confirmed.add(namespace + "/" + name);
    }
  }
}
