package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pipool.api.v1alpha1.PiServerPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedApiServerTest {

  private static EmbeddedApiServer api;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.start();
    client = api.newClient("tester");
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  private static PiServerPool pool(String name) {
    PiServerPool pool = new PiServerPool();
    pool.getMetadata().setName(name);
    pool.getMetadata().setNamespace("default");
    return pool;
  }

  /**
   * The mock server (Vert.x) accepts an h2c upgrade, and the JDK's client asks for one by default;
   * a first request that took that path once hung for good. Clients of the embedded server speak
   * plain HTTP/1.1.
   */
  @Test
  void itsClientsAskForNoHttp2Upgrade() throws Exception {
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setSoTimeout(10_000);
      var config =
          new ConfigBuilder(api.config())
              .withMasterUrl("http://127.0.0.1:" + listener.getLocalPort())
              .build();
      List<String> head = new ArrayList<>();
      try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(config).build()) {
        Thread request = new Thread(() -> probe.namespaces().withName("any").get());
        request.start();
        try (Socket s = listener.accept()) {
          var in =
              new BufferedReader(
                  new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
          for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            head.add(line);
          }
          s.getOutputStream()
              .write(
                  "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                      .getBytes(StandardCharsets.ISO_8859_1));
        }
        request.join(10_000);
      }
      assertThat(head).isNotEmpty().noneMatch(h -> h.toLowerCase().startsWith("upgrade:"));
    }
  }

  @Test
  void piServerPoolsCanBeStoredBecauseTheCrdIsInstalled() {
    client.resource(pool("stored")).create();
    assertThat(client.resources(PiServerPool.class).inNamespace("default").withName("stored").get())
        .isNotNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
        .extracting(c -> c.getMetadata().getName())
        .contains("piserverpools.pipool.io");
  }

  @Test
  void aCreatedPoolComesBackToItsClientAndStartsWithAnEmptyStatus() {
    PiServerPool created = client.resource(pool("returned")).create();
    assertThat(created).isNotNull();
    assertThat(created.getMetadata().getName()).isEqualTo("returned");
    var raw =
        client
            .genericKubernetesResources("pipool.io/v1alpha1", "PiServerPool")
            .inNamespace("default")
            .withName("returned")
            .get();
    assertThat(raw.getAdditionalProperties()).containsKey("status");
  }

  @Test
  void aStatusPatchLeavesTheLabelsSomeoneElseWrote() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p1")
            .withNamespace("default")
            .addToLabels("pipool.io/serving", "true")
            .endMetadata()
            .build();
    client.resource(pod).create();
    client
        .pods()
        .inNamespace("default")
        .withName("p1")
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"phase\":\"Running\",\"podIP\":\"127.0.1.1\"}}");
    Pod read = client.pods().inNamespace("default").withName("p1").get();
    assertThat(read.getStatus().getPhase()).isEqualTo("Running");
    assertThat(read.getMetadata().getLabels()).containsEntry("pipool.io/serving", "true");
  }

  @Test
  void aStatusPatchReplacesListsAsAMergePatchMust() {
    client
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("p2")
                .withNamespace("default")
                .endMetadata()
                .build())
        .create();
    for (String ready : new String[] {"False", "True", "False"}) {
      client
          .pods()
          .inNamespace("default")
          .withName("p2")
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"" + ready + "\"}]}}");
    }
    var conditions =
        client.pods().inNamespace("default").withName("p2").get().getStatus().getConditions();
    assertThat(conditions).hasSize(1);
    assertThat(conditions.get(0).getStatus()).isEqualTo("False");
  }

  @Test
  void writesAreCountedPerClient() {
    long before = api.writes().total("tester");
    client.resource(pool("counted")).create();
    client.resources(PiServerPool.class).inNamespace("default").withName("counted").get();
    assertThat(api.writes().total("tester")).isEqualTo(before + 1);
    assertThat(api.writes().snapshot()).containsKey("tester POST piserverpools");
  }

  @Test
  void anObjectWithAFinalizerIsOnlyMarkedForDeletion() {
    PiServerPool pool = pool("finalized");
    pool.getMetadata().getFinalizers().add("pipool.io/restore");
    client.resource(pool).create();
    client.resources(PiServerPool.class).inNamespace("default").withName("finalized").delete();
    PiServerPool read =
        client.resources(PiServerPool.class).inNamespace("default").withName("finalized").get();
    assertThat(read).isNotNull();
    assertThat(read.getMetadata().getDeletionTimestamp()).isNotNull();
  }
}
