package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.agent.NodeAgent;
import io.pipool.agent.config.ConfigLoader;
import io.pipool.api.agent.AgentConfig;
import io.pipool.simulator.node.SimNode;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs real agents inside this JVM on one shared Vert.x instance, so hundreds of nodes fit: each
 * agent is a few verticles and timers, not a thread or a process.
 */
public final class InProcessAgents implements AgentLauncher {

  private final Vertx vertx;
  private final KubernetesClient client;
  private final Clock clock;

  /**
   * @param vertx the shared Vert.x
   * @param client the client agents watch their own pod with (closed with this launcher)
   * @param clock the agents' clock
   */
  public InProcessAgents(Vertx vertx, KubernetesClient client, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<RunningAgent> start(
      SimNode node, String configYaml, Map<String, String> env) {
    AgentConfig config;
    try {
      config = ConfigLoader.parse(configYaml, "agent.yaml", env);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return NodeAgent.start(vertx, config, client, clock)
        .map(InProcessAgents::handle)
        .toCompletionStage()
        .toCompletableFuture();
  }

  /** Closes the agents' API client. */
  @Override
  public void close() {
    client.close();
  }

  private static RunningAgent handle(NodeAgent agent) {
    return RunningAgent.of(
        agent.adminPort(),
        () -> agent.stop().toCompletionStage().toCompletableFuture(),
        () -> true);
  }
}
