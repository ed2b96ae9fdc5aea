package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The front-end ConfigMap a user points HAProxy or nginx at, on the mock API server. */
@EnableKubernetesMockClient(crud = true)
class FrontendConfigMapTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(client, server, Map.of());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static ConfigMap frontend(String ns, java.util.function.Predicate<String> haproxy) {
    return eventually("ConfigMap " + ns + "/web-frontend")
        .until(
            () -> client.configMaps().inNamespace(ns).withName("web-frontend").get(),
            cm -> cm != null && haproxy.test(cm.getData().get("haproxy.cfg")));
  }

  @Test
  void thePoolPublishesItsFrontendAndKeepsItCurrentAsNodesJoin() {
    String ns = "frontend";
    harness.namespace(ns);
    PiServerPool pool = Fixtures.pool(ns, "web");
    pool.getSpec().getServer().setAgentCheckPort(9101);
    client.resource(pool).create();

    PiServerPool seen =
        eventually("status names the ConfigMap")
            .until(
                () -> harness.get(ns, "web"),
                p ->
                    p != null
                        && (p.getStatus() != null && p.getStatus().getFrontendConfigMap() != null));
    assertThat(seen.getStatus().getFrontendConfigMap()).isEqualTo("web-frontend");
    ConfigMap empty = frontend(ns, h -> h.contains("backend pipool_frontend_web"));
    assertThat(empty.getData().get("haproxy.cfg")).doesNotContain("    server ");

    client.resource(Fixtures.agentPod(ns, "web", "pi-1", "10.0.3.1")).create();
    client.resource(Fixtures.agentPod(ns, "web", "pi-2", "10.0.3.2")).create();
    ConfigMap two =
        frontend(ns, h -> h.contains("server pi-1 10.0.3.1:8080") && h.contains("pi-2 10.0.3.2"));
    assertThat(two.getData().get("haproxy.cfg")).contains("agent-check agent-port 9101");
    assertThat(two.getData().get("nginx.conf")).contains("upstream pipool_frontend_web {");
  }
}
