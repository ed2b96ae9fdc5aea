package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.SimNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent host (the JVM that holds the agents inside the nodes' network namespace), here without
 * a namespace prefix: agents of several nodes answer in one separate process, stop on request, and
 * the process is gone after close.
 */
class HostedAgentsTest {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  @Timeout(120)
  void agentsOfTwoNodesServeFromOneProcessAndStopWithIt(@TempDir Path dir) throws Exception {
    SimNode a = node(1, dir);
    SimNode b = node(2, dir);
    List<Integer> ports = FreePorts.pick(List.of(a.address(), b.address()), 2);
    String config =
        "server: {port: %d, adminPort: %d}\nserving: {watchPod: false, initial: Serving}\n"
            .formatted(ports.get(0), ports.get(1));
    // the agents never call the API server with watchPod off; the client only needs a config
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
        users: [{name: u, user: {token: t}}]
        contexts: [{name: c, context: {cluster: c, user: u}}]
        current-context: c
        """);
    long before = children();
    HostedAgents agents = new HostedAgents(List.of(), kubeconfig, dir.resolve("host.log"), 2);
    try {
      AgentLauncher.RunningAgent ra =
          agents.start(a, config, AgentEnv.forNode(a, Map.of())).get(60, TimeUnit.SECONDS);
      AgentLauncher.RunningAgent rb =
          agents.start(b, config, AgentEnv.forNode(b, Map.of())).get(60, TimeUnit.SECONDS);
      assertThat(ra.adminPort()).isEqualTo(ports.get(1));
      assertThat(status(a, ports.get(1))).isEqualTo(200);
      assertThat(status(b, ports.get(1))).isEqualTo(200);
      assertThat(children()).as("one host process for both agents").isEqualTo(before + 1);

      rb.stop().get(30, TimeUnit.SECONDS);
      assertThat(status(b, ports.get(1))).as("b stopped").isEqualTo(-1);
      assertThat(status(a, ports.get(1))).as("a still serves").isEqualTo(200);
      assertThat(ra.alive()).isTrue();
    } finally {
      agents.close();
    }
    assertThat(children()).as("the host process is gone after close").isEqualTo(before);
  }

  private static long children() {
    return ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();
  }

  private static SimNode node(int index, Path dir) {
    SimNode n =
        new SimNode(index, "pi-" + index, SimNode.addressOf(index), dir.resolve("pi-" + index));
    NodeFiles.seed(n, 46.0);
    return n;
  }

  /** The admin port's /readyz status, or -1 when nothing listens. */
  private int status(SimNode node, int adminPort) throws InterruptedException {
    try {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://" + node.address() + ":" + adminPort + "/healthz"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
