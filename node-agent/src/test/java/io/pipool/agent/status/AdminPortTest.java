package io.pipool.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.SysctlReport;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class AdminPortTest {

  @TempDir Path dir;

  @BeforeEach
  void fakeNode() throws Exception {
    TestAgents.thermalZone(dir, 0, "cpu-thermal", "47500");
    TestAgents.write(dir.resolve("proc/net/core/somaxconn"), "128\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/tcp_max_syn_backlog"), "4096\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/ip_local_port_range"), "1024\t65535\n");
    TestAgents.write(dir.resolve("state.json"), "{\"net.core.somaxconn\":\"64\"}");
  }

  private NodeAgent start(Vertx vertx, Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(extra);
    env.put("PIPOOL_NODE_NAME", "pi-07");
    return Await.result(TestAgents.start(vertx, TestAgents.settings(dir, env)));
  }

  @Test
  void statusReportsConnectionsThermalAndSysctls(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      http.get("/").read();
      http.get("/").read();
      AgentStatus s = Admin.status(agent);
      assertThat(s.node()).isEqualTo("pi-07");
      assertThat(s.version()).isNotBlank();
      assertThat(s.servingMode()).isEqualTo(AgentStatus.ServingMode.Serving);
      assertThat(s.connections().active()).isEqualTo(1);
      assertThat(s.connections().total()).isEqualTo(1);
      assertThat(s.connections().limit()).isEqualTo(4000);
      assertThat(s.requestsTotal()).isEqualTo(2);
      assertThat(s.thermal().temperatureCelsius()).isEqualTo(47.5);
      assertThat(s.thermal().sensor()).isEqualTo("thermal_zone0 (cpu-thermal)");
      assertThat(s.thermal().throttle()).isNull();
      assertThat(s.sysctls())
          .extracting(SysctlReport::name, SysctlReport::state, SysctlReport::original)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple(
                  "net.core.somaxconn", SysctlReport.State.Drifted, "64"),
              org.assertj.core.groups.Tuple.tuple(
                  "net.ipv4.tcp_max_syn_backlog", SysctlReport.State.Applied, null),
              org.assertj.core.groups.Tuple.tuple(
                  "net.ipv4.ip_local_port_range", SysctlReport.State.Applied, null));
      assertThat(s.timestamp()).isNotBlank();
    }
  }

  @Test
  void metricsCarryTheAgentAndJvmFamilies(Vertx vertx) throws Exception {
    NodeAgent agent = start(vertx, Map.of());
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      http.get("/").read();
    }
    RawHttp.Response r = Admin.get(agent, "/metrics");
    assertThat(r.header("content-type")).startsWith("text/plain; version=0.0.4");
    assertThat(r.body())
        .contains("pipool_agent_connections_active ")
        .contains("pipool_agent_connections_total 1.0")
        .contains("pipool_agent_requests_total 1.0")
        .contains("pipool_agent_request_duration_seconds_count 1.0")
        .contains("pipool_agent_temperature_celsius 47.5")
        .contains("pipool_agent_sysctl_drift{name=\"net.core.somaxconn\",state=\"Drifted\",} 1.0")
        .contains(
            "pipool_agent_sysctl_drift{name=\"net.ipv4.tcp_max_syn_backlog\",state=\"Applied\",} 0.0")
        .contains("pipool_agent_serving_mode{mode=\"Serving\",} 1.0")
        .contains("pipool_agent_ready 1.0")
        .contains("jvm_memory_bytes_used")
        .contains("process_open_fds");
  }

  @Test
  void healthAndReadinessAndUnknownPaths(Vertx vertx) {
    NodeAgent agent = start(vertx, Map.of());
    assertThat(Admin.get(agent, "/healthz").status()).isEqualTo(200);
    assertThat(Admin.readyz(agent)).isEqualTo(200);
    assertThat(Admin.get(agent, "/nope").status()).isEqualTo(404);
  }

  @Test
  void standbyFromConfigIsHealthyButNotReady(Vertx vertx) {
    NodeAgent agent = start(vertx, Map.of("PIPOOL_SERVING_INITIAL", "Standby"));
    assertThat(Admin.get(agent, "/healthz").status()).isEqualTo(200);
    RawHttp.Response ready = Admin.get(agent, "/readyz");
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body()).startsWith("Standby");
    assertThat(Admin.status(agent).servingMode()).isEqualTo(AgentStatus.ServingMode.Standby);
  }
}
