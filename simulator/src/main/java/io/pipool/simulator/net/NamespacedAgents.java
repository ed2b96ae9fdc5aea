package io.pipool.simulator.net;

import io.pipool.simulator.cluster.AgentLauncher;
import io.pipool.simulator.cluster.HostedAgents;
import io.pipool.simulator.cluster.ProcessAgents;
import io.pipool.simulator.node.SimNode;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Agents inside the nodes' network namespace: in one host JVM (or a JVM each from an agent jar),
 * with the relay that is their way to the API server and the kubeconfig that points at it.
 */
public final class NamespacedAgents implements AgentLauncher {

  private final ApiRelay relay;
  private final AgentLauncher agents;

  private NamespacedAgents(ApiRelay relay, AgentLauncher agents) {
    this.relay = relay;
    this.agents = agents;
  }

  /**
   * Opens the relay, writes the agents' kubeconfig into {@code workDir} and checks that the API
   * server answers through it, before any agent starts.
   *
   * @param clusterKubeconfig the simulator's kubeconfig (credentials and CA the agents reuse)
   * @param agentJar a JVM per agent from this jar, or null for one host JVM for all
   */
  public static NamespacedAgents start(
      Vertx vertx,
      NodeNetwork network,
      Path clusterKubeconfig,
      Path agentJar,
      Path workDir,
      int nodes) {
    URI api = RelayedKubeconfig.server(clusterKubeconfig);
    ApiRelay relay =
        ApiRelay.start(
            vertx, NodeNetwork.GATEWAY, api.getHost(), api.getPort() > 0 ? api.getPort() : 443);
    try {
      Path kubeconfig =
          RelayedKubeconfig.write(
              clusterKubeconfig,
              NodeNetwork.GATEWAY,
              relay.port(),
              workDir.resolve("agent.kubeconfig"));
      RelayedKubeconfig.check(kubeconfig, NodeNetwork.GATEWAY);
      AgentLauncher agents =
          agentJar != null
              ? new ProcessAgents(
                  agentJar,
                  kubeconfig,
                  Path.of(System.getProperty("java.home")),
                  network.execPrefix())
              : new HostedAgents(
                  network.execPrefix(), kubeconfig, workDir.resolve("agent-host.log"), nodes);
      return new NamespacedAgents(relay, agents);
    } catch (RuntimeException e) {
      relay.close();
      throw e;
    }
  }

  @Override
  public CompletableFuture<RunningAgent> start(
      SimNode node, String configYaml, Map<String, String> env) {
    return agents.start(node, configYaml, env);
  }

  /** Stops the agents, then the relay. */
  @Override
  public void close() {
    agents.close();
    relay.close();
  }
}
