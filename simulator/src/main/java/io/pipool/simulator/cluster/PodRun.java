package io.pipool.simulator.cluster;

import io.pipool.simulator.node.SimNode;
import java.time.Instant;
import java.util.List;

/** What the simulated kubelet knows about one pod it runs. Guarded by the kubelet's loop. */
final class PodRun {

  /** Where the pod is in its life. */
  enum Stage {
    /** Waiting for its turn on the node, or for a retry. */
    WAITING,
    /** Init step or agent start in progress. */
    STARTING,
    /** Agent running, readiness probed. */
    RUNNING,
    /** One-shot pod done. */
    DONE,
    /** Stopping the agent. */
    STOPPING
  }

  final String uid;
  final String namespace;
  final String name;
  final SimNode node;
  volatile Stage stage = Stage.WAITING;
  Instant notBefore = Instant.MIN;
  AgentLauncher.RunningAgent agent;
  String container;
  List<String> initContainers = List.of();
  Instant startedAt;
  volatile Boolean ready;
  Instant nextProbe = Instant.MIN;
  volatile boolean probing;
  int failures;

  PodRun(String uid, String namespace, String name, SimNode node) {
    this.uid = uid;
    this.namespace = namespace;
    this.name = name;
    this.node = node;
  }

  String key() {
    return namespace + "/" + name;
  }
}
