package io.pipool.agent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Admin;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.AgentStatus.ServingMode;
import io.pipool.api.v1alpha1.PiServerPool;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@EnableKubernetesMockClient(crud = true)
class PodLabelWatcherTest {

  static KubernetesClient client;

  @TempDir Path dir;

  private static Pod pod(String name, String serving) {
    Map<String, String> labels =
        serving == null ? Map.of() : Map.of(PiServerPool.SERVING_LABEL, serving);
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("pool")
        .withLabels(labels)
        .endMetadata()
        .build();
  }

  private NodeAgent start(Vertx vertx, String podName, String initial) {
    return start(vertx, client, podName, initial);
  }

  private NodeAgent start(Vertx vertx, KubernetesClient client, String podName, String initial) {
    return Await.result(
        NodeAgent.start(
            vertx,
            TestAgents.settings(
                dir,
                Map.of(
                    "PIPOOL_POD_NAME", podName,
                    "PIPOOL_POD_NAMESPACE", "pool",
                    "PIPOOL_SERVING_INITIAL", initial)),
            client,
            Clock.systemUTC()));
  }

  @Test
  void readinessFollowsTheOwnPodsServingLabel(Vertx vertx) {
    client.pods().inNamespace("pool").resource(pod("agent-a", "false")).create();
    // Another pod's label must not matter.
    client.pods().inNamespace("pool").resource(pod("agent-b", "true")).create();

    NodeAgent agent = start(vertx, "agent-a", "Serving");

    // the watcher sets the mode, then its source: wait for both, not for readiness alone
    await("standby from the label")
        .atMost(Await.SETTLE)
        .untilAsserted(
            () -> {
              assertThat(Admin.readyz(agent)).isEqualTo(503);
              assertThat(Admin.status(agent).servingMode()).isEqualTo(ServingMode.Standby);
              assertThat(Admin.status(agent).servingReason()).contains("pipool.io/serving=false");
            });
    // Standby is out of rotation but fit to serve: Kubernetes must count the pod as available,
    // or a DaemonSet rolling update would stall on it.
    assertThat(Admin.get(agent, "/readyz/pod").status()).isEqualTo(200);

    client
        .pods()
        .inNamespace("pool")
        .withName("agent-a")
        .edit(
            p ->
                new PodBuilder(p)
                    .editMetadata()
                    .addToLabels(PiServerPool.SERVING_LABEL, "true")
                    .endMetadata()
                    .build());
    await("serving from the label").atMost(Await.SETTLE).until(() -> Admin.readyz(agent) == 200);

    client.pods().inNamespace("pool").withName("agent-a").delete();
    await("standby once deleted").atMost(Await.SETTLE).until(() -> Admin.readyz(agent) == 503);
  }

  /**
   * On a real node the in-cluster API address was not reachable when the agent started: the first
   * list failed and Fabric8's informer stopped for good, leaving the agent Standby for its whole
   * life. The watch must keep trying, say what it waits for, and follow the label once the API
   * answers.
   */
  @Test
  void keepsTryingUntilTheApiAnswersAndSaysWhatItWaitsFor(Vertx vertx) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port;
    KubernetesMockServer api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    try (KubernetesClient late =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl(url)
                    .withRequestRetryBackoffLimit(0)
                    .withNamespace("pool")
                    .build())
            .build()) {
      NodeAgent agent = start(vertx, late, "agent-late", "Standby");
      await("the reason names the API it waits for")
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> Admin.get(agent, "/readyz").body().contains("waiting for the Kubernetes API"));
      assertThat(Admin.get(agent, "/readyz").body())
          .contains("127.0.0.1:" + port)
          .contains("pool/agent-late");
      assertThat(Admin.readyz(agent)).isEqualTo(503);

      api.init(InetAddress.getByName("127.0.0.1"), port);
      api.createClient().pods().inNamespace("pool").resource(pod("agent-late", "true")).create();
      await("serving from the label once the API answers")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(Admin.readyz(agent)).isEqualTo(200);
                assertThat(Admin.status(agent).servingReason()).contains("pipool.io/serving=true");
              });
    } finally {
      api.destroy();
    }
  }

  @Test
  void withoutTheLabelTheInitialModeStays(Vertx vertx) {
    client.pods().inNamespace("pool").resource(pod("agent-c", null)).create();
    NodeAgent agent = start(vertx, "agent-c", "Standby");
    assertThat(Admin.status(agent).servingMode()).isEqualTo(ServingMode.Standby);
    assertThat(Admin.status(agent).servingReason()).contains("waiting for label");
  }

  @Test
  void withoutAClusterTheModeComesFromConfig() {
    assertThat(ClusterDetector.configured(Map.of(), dir, dir.resolve("token"))).isFalse();
    TestAgents.write(dir.resolve(".kube/config"), "apiVersion: v1\n");
    assertThat(ClusterDetector.configured(Map.of(), dir, dir.resolve("token"))).isTrue();
    assertThat(
            ClusterDetector.configured(
                Map.of("KUBECONFIG", dir.resolve("missing").toString()), dir, dir.resolve("token")))
        .isFalse();
    TestAgents.write(dir.resolve("token"), "t");
    assertThat(
            ClusterDetector.configured(
                Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), null, dir.resolve("token")))
        .isTrue();
  }
}
