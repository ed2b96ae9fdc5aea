package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.pipool.simulator.node.SimNode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pod's life on a simulated node: the kubelet's state machine for it.
 *
 * <pre>
 * WAITING  → STARTING  due, and the node is free (host network: one agent per node)
 * STARTING → RUNNING   the agent is up: Running, not Ready until its probe answers
 *          → FINISHED  a one-shot pod's command ended: Succeeded or Failed
 *          → WAITING   an init step failed (Pending) or the agent did not start (CrashLoopBackOff):
 *                      restartCount + 1, back-off of 5 s per failure in a row, at most 30 s
 * RUNNING  → RUNNING   the probe's answer changed: Ready or not Ready
 *          → WAITING   the agent exited: CrashLoopBackOff, restartCount + 1, back-off
 * deleted: WAITING, FINISHED → GONE; STARTING, RUNNING → STOPPING (the agent, or the start in
 *          flight, is stopped) → GONE; a real API server's deletion is confirmed on GONE
 * </pre>
 *
 * <p>Confined to the kubelet's loop thread: every method runs there, and the slow work (starting,
 * probing, stopping, writing status) goes through {@link Effects}, whose answers come back to the
 * loop as calls of {@link #started}, {@link #probed} and {@link #stopped}. So no field needs a
 * lock.
 */
final class PodLife {

  /** Where the pod is in its life. */
  enum State {
    /** Waiting for its turn on the node (host network: one agent at a time) or for a retry. */
    WAITING,
    /** The init step and the agent start are under way. */
    STARTING,
    /** The agent runs; its readiness is probed. */
    RUNNING,
    /** A one-shot pod ended (Succeeded or Failed). */
    FINISHED,
    /** The pod was deleted: its agent, or the start in flight, is being stopped. */
    STOPPING,
    /** Nothing left to do: the kubelet forgets the pod. */
    GONE
  }

  /** What the state machine asks of the kubelet; each slow call answers back on the loop. */
  interface Effects {

    /** Starts the pod; answers {@link #started}. */
    void start(PodLife life, Pod pod);

    /** Probes the agent's readiness; answers {@link #probed}. */
    void probe(PodLife life, AgentLauncher.RunningAgent agent, Pod pod);

    /** Stops the agent; answers {@link #stopped}. */
    void stop(PodLife life, AgentLauncher.RunningAgent agent);

    /** Writes the pod's status (in the order of the calls for one pod). */
    void write(PodLife life, PodStatus status);

    /** Finishes a graceful deletion (a real API server waits for the kubelet to confirm). */
    void confirmDelete(String namespace, String name);
  }

  static final Duration BACK_OFF_STEP = Duration.ofSeconds(5);
  static final Duration BACK_OFF_MAX = Duration.ofSeconds(30);

  final String uid;
  final String namespace;
  final String name;
  final SimNode node;
  private final NodeHolders holders;
  private final Effects fx;
  private State state = State.WAITING;
  private Instant notBefore = Instant.MIN;
  private int failures;
  private final Map<String, Integer> restarts = new HashMap<>();
  private AgentLauncher.RunningAgent agent;
  private List<String> inits = List.of();
  private String container;
  private Instant startedAt;
  private boolean ready;
  private boolean probing;
  private Instant nextProbe = Instant.MIN;
  private boolean confirm;

  /**
   * @param holders which pod holds each node (shared by the kubelet's pods, on the same thread)
   */
  PodLife(
      String uid, String namespace, String name, SimNode node, NodeHolders holders, Effects fx) {
    this.uid = uid;
    this.namespace = namespace;
    this.name = name;
    this.node = node;
    this.holders = holders;
    this.fx = fx;
  }

  State state() {
    return state;
  }

  /** The running agent, or null. */
  AgentLauncher.RunningAgent agent() {
    return agent;
  }

  String key() {
    return namespace + "/" + name;
  }

  /** One turn of the kubelet's loop while the pod exists and is not being deleted. */
  void tick(Pod pod, Instant now) {
    switch (state) {
      case WAITING -> {
        if (!now.isBefore(notBefore) && holders.hold(node, uid)) {
          state = State.STARTING;
          fx.start(this, pod);
        }
      }
      case RUNNING -> {
        if (!agent.alive()) {
          holders.release(node, uid);
          agent = null;
          crash(container, "agent process exited; restarting", now);
        } else if (!probing && !now.isBefore(nextProbe)) {
          probing = true;
          nextProbe = now.plus(ReadinessProber.period(pod));
          fx.probe(this, agent, pod);
        }
      }
      default -> {
        // STARTING and STOPPING wait for an answer; FINISHED and GONE have nothing to do
      }
    }
  }

  /** The start under way ended. */
  void started(StartOutcome outcome, Instant now) {
    if (state == State.STOPPING) {
      // the pod went away while it was starting: stop what started, then it is gone
      if (outcome instanceof StartOutcome.Started s) {
        agent = s.agent();
        fx.stop(this, agent);
      } else {
        stopped();
      }
      return;
    }
    expect(State.STARTING);
    if (outcome instanceof StartOutcome.Started s) {
      state = State.RUNNING;
      agent = s.agent();
      inits = s.inits();
      container = s.container();
      startedAt = now;
      ready = false;
      failures = 0;
      fx.write(this, runningStatus());
      return;
    }
    holders.release(node, uid);
    if (outcome instanceof StartOutcome.InitFailed f) {
      int n = restarts.merge(f.container(), 1, Integer::sum);
      fx.write(
          this,
          PodStatuses.initFailed(
              f.container(), n, f.containers(), f.message(), now, node.address()));
      backOff(now);
    } else if (outcome instanceof StartOutcome.AgentFailed f) {
      inits = f.inits();
      crash(f.container(), f.message(), now);
    } else if (outcome instanceof StartOutcome.Finished f) {
      state = State.FINISHED;
      fx.write(
          this,
          PodStatuses.finished(f.container(), f.succeeded(), f.message(), now, node.address()));
    }
  }

  /** The readiness probe of {@code probed} answered. */
  void probed(AgentLauncher.RunningAgent probed, boolean nowReady) {
    probing = false;
    if (state == State.RUNNING && probed == agent && nowReady != ready) {
      ready = nowReady;
      fx.write(this, runningStatus());
    }
  }

  /**
   * The pod is being deleted ({@code confirm}: it is terminating, so the deletion is confirmed once
   * its agent has stopped) or has gone from the API server.
   */
  void delete(boolean confirm) {
    this.confirm |= confirm;
    switch (state) {
      case RUNNING -> {
        state = State.STOPPING;
        fx.stop(this, agent);
      }
      case STARTING -> state = State.STOPPING; // started() stops what the start brings
      case WAITING, FINISHED -> stopped();
      default -> {
        // already stopping or gone
      }
    }
  }

  /** The agent has stopped (or there was none): the pod is gone. */
  void stopped() {
    if (state == State.GONE) {
      return;
    }
    holders.release(node, uid);
    agent = null;
    state = State.GONE;
    if (confirm) {
      fx.confirmDelete(namespace, name);
    }
  }

  private void crash(String failed, String message, Instant now) {
    container = failed;
    int n = restarts.merge(failed, 1, Integer::sum);
    fx.write(this, PodStatuses.crashLooping(inits, failed, n, message, now, node.address()));
    backOff(now);
  }

  private void backOff(Instant now) {
    failures++;
    Duration wait = BACK_OFF_STEP.multipliedBy(failures);
    notBefore = now.plus(wait.compareTo(BACK_OFF_MAX) > 0 ? BACK_OFF_MAX : wait);
    state = State.WAITING;
  }

  private PodStatus runningStatus() {
    return PodStatuses.running(
        inits, container, restarts.getOrDefault(container, 0), ready, startedAt, node.address());
  }

  private void expect(State expected) {
    if (state != expected) {
      throw new IllegalStateException(
          "pod " + key() + ": " + state + ", expected " + expected + " (a kubelet bug)");
    }
  }
}
