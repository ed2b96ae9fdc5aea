package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.AgentStatus;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class AdmissionTest {

  @TempDir Path dir;

  @Test
  void theConnectionPastTheCapGets503AndIsClosed(Vertx vertx) throws Exception {
    NodeAgent agent =
        Await.result(
            TestAgents.start(
                vertx, TestAgents.settings(dir, Map.of("PIPOOL_SERVER_MAXCONNECTIONS", "2"))));
    try (RawHttp a = new RawHttp(agent.trafficPort());
        RawHttp b = new RawHttp(agent.trafficPort())) {
      assertThat(a.get("/").read().status()).isEqualTo(200);
      assertThat(b.get("/").read().status()).isEqualTo(200);

      try (RawHttp extra = new RawHttp(agent.trafficPort())) {
        RawHttp.Response r = extra.get("/").read();
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.header("retry-after")).isEqualTo("5");
        assertThat(r.body()).contains("connection limit");
        assertThat(extra.closedByServer()).isTrue();
      }
      AgentStatus.Connections c = Admin.status(agent).connections();
      assertThat(c.active()).isEqualTo(2);
      assertThat(c.rejected()).isEqualTo(1);
      assertThat(c.limit()).isEqualTo(2);
      assertThat(Admin.get(agent, "/metrics").body())
          .contains("pipool_agent_connections_rejected_total 1.0");

      // The admitted connections keep working.
      assertThat(a.get("/").read().status()).isEqualTo(200);
    }
    await("both connections released")
        .atMost(Await.SETTLE)
        .until(() -> agent.state().gate().active() == 0);
    try (RawHttp again = new RawHttp(agent.trafficPort())) {
      assertThat(again.get("/").read().status()).isEqualTo(200);
    }
  }

  @Test
  void aTooLowOpenFileLimitCapsMaxConnections(Vertx vertx) {
    TestAgents.write(
        dir.resolve("limits"),
        "Max open files            4000                 4096                 files\n");
    NodeAgent agent =
        Await.result(
            TestAgents.start(
                vertx, TestAgents.settings(dir, Map.of("PIPOOL_SERVER_MAXCONNECTIONS", "4000"))));
    int cap = agent.state().gate().maxConnections();
    // The reserve is the descriptors open at start plus headroom, the rejection backlog and the
    // admin port's share: at least 64 + 48.
    assertThat(cap).isBetween(1, 4000 - 64 - NodeAgent.RESERVED_FOR_GUARDS);
    assertThat(Admin.status(agent).connections().limit()).isEqualTo(cap);
  }
}
