package io.pipool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.operator.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrontendModelTest {

  private static final List<FrontendModel.Node> NODES =
      List.of(
          new FrontendModel.Node("pi-2", "10.0.0.12", false),
          new FrontendModel.Node("pi-1", "10.0.0.11", true),
          new FrontendModel.Node("pi-3", "10.0.0.13", true));

  private static PiServerPool pool(Integer agentCheckPort) {
    PiServerPool pool = Fixtures.stored("shop", "web");
    pool.getSpec().getServer().setAgentCheckPort(agentCheckPort);
    return pool;
  }

  @Test
  void haproxyListsEveryNodeWithHealthAndAgentChecks() {
    String cfg = FrontendModel.haproxy(pool(9101), NODES);
    assertThat(cfg)
        .contains("backend pipool_shop_web\n")
        .contains("    option httpchk GET /readyz\n")
        .contains(
            "    default-server check port 9090 inter 2s fall 2 rise 2 weight 100"
                + " agent-check agent-port 9101 agent-inter 2s\n")
        .contains(
            "    server pi-1 10.0.0.11:8080\n"
                + "    server pi-2 10.0.0.12:8080\n"
                + "    server pi-3 10.0.0.13:8080\n");
  }

  @Test
  void tcpModeRelaysEachClientConnectionAndStillHealthChecksReadyz() {
    PiServerPool pool = pool(9101);
    pool.getSpec().getServer().setFrontMode(ServerSpec.FrontMode.Tcp);
    pool.getSpec().getServer().setTlsSecret("web-tls");

    String cfg = FrontendModel.haproxy(pool, NODES);

    assertThat(cfg)
        .contains("    mode tcp\n    balance leastconn\n")
        .contains("    option httpchk GET /readyz\n")
        .contains("agent-check agent-port 9101")
        .doesNotContain("mode http")
        .doesNotContain(" ssl "); // TLS passes through to the agents
    assertThat(FrontendModel.haproxy(pool(9101), NODES)).contains("    mode http\n");
  }

  @Test
  void withoutAnAgentCheckPortHaproxyOnlyHealthChecks() {
    String cfg = FrontendModel.haproxy(pool(null), NODES);
    assertThat(cfg).doesNotContain("agent-check").contains("check port 9090");
    assertThat(cfg).contains("Set spec.server.agentCheckPort");
  }

  @Test
  void nginxListsTheServingNodesWithStaticWeightsAndSaysWhatItCannotDo() {
    String cfg = FrontendModel.nginx(pool(9101), NODES);
    assertThat(cfg)
        .contains("upstream pipool_shop_web {\n")
        .contains("    server 10.0.0.11:8080 weight=1")
        .contains("    server 10.0.0.13:8080 weight=1")
        .doesNotContain("10.0.0.12")
        .contains("no active health checks")
        .contains("no dynamic weights");
  }

  @Test
  void nginxWithNoServingNodeIsStillAValidUpstream() {
    String cfg =
        FrontendModel.nginx(
            pool(null), List.of(new FrontendModel.Node("pi-1", "10.0.0.11", false)));
    assertThat(cfg).contains("server 127.0.0.1:8080 down;").doesNotContain("10.0.0.11");
  }

  @Test
  void theConfigMapIsOwnedByThePoolAndNamedAfterIt() {
    ConfigMap cm = FrontendModel.configMap(pool(9101), NODES);
    assertThat(cm.getMetadata().getName()).isEqualTo("web-frontend");
    assertThat(cm.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(cm.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getName()).isEqualTo("web");
              assertThat(o.getController()).isTrue();
            });
    assertThat(cm.getData()).containsOnlyKeys("haproxy.cfg", "nginx.conf");
  }

  @Test
  void theNodeOrderDoesNotChangeTheText() {
    assertThat(FrontendModel.haproxy(pool(9101), NODES))
        .isEqualTo(
            FrontendModel.haproxy(pool(9101), List.of(NODES.get(2), NODES.get(0), NODES.get(1))));
  }
}
