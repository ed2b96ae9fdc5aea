package io.pipool.agent.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The agent-check port as HAProxy, and as a hostile client, sees it. */
@ExtendWith(VertxExtension.class)
class AgentCheckServerTest {

  @TempDir Path dir;

  private NodeAgent start(Vertx vertx, String initial) {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "50000");
    return Await.result(
        TestAgents.start(
            vertx,
            TestAgents.settings(
                dir,
                Map.of(
                    "PIPOOL_SERVER_AGENTCHECKPORT", "0",
                    "PIPOOL_SERVING_INITIAL", initial,
                    "PIPOOL_THERMAL_RECOVERCELSIUS", "75"))));
  }

  /** What HAProxy does: connect, read until the agent closes. */
  private static String ask(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(3000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void offUnlessThePoolSetsAPort(Vertx vertx) {
    NodeAgent agent = Await.result(TestAgents.start(vertx, TestAgents.settings(dir, Map.of())));
    assertThat(agent.agentCheckPort()).isEqualTo(-1);
  }

  @Test
  void answersOneLineThatFollowsTheTemperatureAndTheServingLabel(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "Serving");
    assertThat(ask(agent.agentCheckPort())).isEqualTo("up ready 100%\n");

    TestAgents.thermalZone(dir, 0, "cpu-thermal", "72000");
    await("72 °C read")
        .atMost(Await.SETTLE)
        .until(() -> Double.valueOf(72.0).equals(agent.state().temperature().celsius()));
    assertThat(ask(agent.agentCheckPort())).isEqualTo("up ready 28%\n");

    agent.state().labelServing(false, "test: operator took it out");
    assertThat(ask(agent.agentCheckPort())).isEqualTo("up drain\n");

    TestAgents.thermalZone(dir, 0, "cpu-thermal", "85000");
    await("shedding").atMost(Await.SETTLE).until(() -> agent.state().shedding());
    assertThat(ask(agent.agentCheckPort())).startsWith("down");
  }

  @Test
  void aFloodIsBoundedAndTheAgentKeepsAnswering(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "Serving");
    int port = agent.agentCheckPort();
    List<Socket> held = new ArrayList<>();
    try {
      // Clients that connect and never read or close: far more than HAProxy ever opens.
      for (int i = 0; i < 96; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        held.add(s);
      }
      // The agent's other ports are unaffected, and a well-behaved check is answered.
      assertThat(Admin.readyz(agent)).isEqualTo(200);
      await("the held connections are closed by the agent")
          .atMost(Duration.ofMillis(AgentCheckVerticle.WRITE_DEADLINE_MS * 3))
          .until(() -> held.stream().allMatch(AgentCheckServerTest::closedByPeer));
      assertThat(ask(port)).isEqualTo("up ready 100%\n");
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void aClientThatNeverReadsIsClosedAfterTheDeadline(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, "Serving");
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(1024);
      s.connect(new InetSocketAddress("127.0.0.1", agent.agentCheckPort()), 2000);
      // It writes garbage and never reads; the agent must not wait for it.
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\n\r\n\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
      await("the agent closes the connection")
          .atMost(Duration.ofMillis(AgentCheckVerticle.WRITE_DEADLINE_MS * 3))
          .until(() -> closedByPeer(s));
    }
    // and it still answers the next check
    assertThat(ask(agent.agentCheckPort())).isEqualTo("up ready 100%\n");
  }

  /** True once the agent has closed the connection (end of stream after at most one line). */
  private static boolean closedByPeer(Socket s) {
    try {
      s.setSoTimeout(50);
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256];
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the agent
    }
  }
}
