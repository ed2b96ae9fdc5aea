package io.pipool.simulator.cluster;

import io.pipool.simulator.node.SimNode;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Starts the real node agent for a pod on a simulated node: in this JVM or as a process. */
public interface AgentLauncher extends AutoCloseable {

  /** One running agent. */
  interface RunningAgent {

    /** The admin port (/readyz, /v1/status) the agent listens on, at the node's address. */
    int adminPort();

    /** Stops the agent gracefully; completes when its ports are closed. */
    CompletableFuture<Void> stop();

    /** False once the agent has exited on its own (a crashed process). */
    boolean alive();

    /** A running agent from its three parts. */
    static RunningAgent of(
        int adminPort, Supplier<CompletableFuture<Void>> stop, BooleanSupplier alive) {
      return new RunningAgent() {
        @Override
        public int adminPort() {
          return adminPort;
        }

        @Override
        public CompletableFuture<Void> stop() {
          return stop.get();
        }

        @Override
        public boolean alive() {
          return alive.getAsBoolean();
        }
      };
    }
  }

  /**
   * Starts an agent.
   *
   * @param node the node it runs on
   * @param configYaml agent.yaml as mounted from the pool's ConfigMap
   * @param env the container's environment plus the simulator's per-node overrides
   */
  CompletableFuture<RunningAgent> start(SimNode node, String configYaml, Map<String, String> env);

  @Override
  default void close() {}
}
