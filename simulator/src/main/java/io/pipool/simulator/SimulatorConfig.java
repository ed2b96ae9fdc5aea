package io.pipool.simulator;

import io.pipool.simulator.thermal.ThermalProfile;
import java.nio.file.Path;

/**
 * How to run the simulated cluster.
 *
 * @param nodes number of simulated Pis
 * @param speed simulated seconds per wall-clock second for the thermal model
 * @param fullLoadRps request rate that keeps one simulated Pi fully busy (heat)
 * @param kubeconfig a real API server to join (kubelet part only), or null for the embedded one
 * @param agentJar run agents as {@code java -jar} processes from this jar, or null for in-process
 * @param workDir where node folders go, or null for a temporary folder removed on close
 * @param netns put the nodes' addresses in a network namespace of the simulator's own (198.18.x.y,
 *     addresses a real API server accepts for endpoints) instead of on loopback; needs root and a
 *     real API server; the agents run inside it in one JVM of their own, or a JVM each with
 *     agentJar
 */
public record SimulatorConfig(
    int nodes,
    double speed,
    double fullLoadRps,
    Path kubeconfig,
    Path agentJar,
    Path workDir,
    boolean netns) {

  /** The most nodes the address plan and one JVM are meant for. */
  public static final int MAX_NODES = 1000;

  public SimulatorConfig {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException(
          "nodes: " + nodes + " is out of range; allowed is 1 to " + MAX_NODES);
    }
    if (!(speed > 0) || speed > 1000) {
      throw new IllegalArgumentException(
          "speed: " + speed + " is out of range; allowed is more than 0 up to 1000");
    }
    if (!(fullLoadRps > 0)) {
      throw new IllegalArgumentException("fullLoadRps: must be positive, was " + fullLoadRps);
    }
    if (netns && kubeconfig == null) {
      // the embedded API server has no endpoints controller that would refuse loopback addresses
      throw new IllegalArgumentException("netns: needs a real API server (kubeconfig)");
    }
  }

  /** Nodes on loopback addresses. */
  public SimulatorConfig(
      int nodes, double speed, double fullLoadRps, Path kubeconfig, Path agentJar, Path workDir) {
    this(nodes, speed, fullLoadRps, kubeconfig, agentJar, workDir, false);
  }

  /** An embedded cluster of {@code nodes} in-process nodes in a temporary folder. */
  public static SimulatorConfig embedded(int nodes, double speed) {
    return new SimulatorConfig(
        nodes, speed, ThermalProfile.DEFAULT_FULL_LOAD_RPS, null, null, null);
  }

  /** True when the simulator runs its own API server. */
  public boolean embeddedApiServer() {
    return kubeconfig == null;
  }
}
