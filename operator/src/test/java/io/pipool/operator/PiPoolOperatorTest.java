package io.pipool.operator;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.testing.SteppingClock;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.testing.OperatorHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedding API and the operator's own endpoints. */
@EnableKubernetesMockClient(crud = true)
class PiPoolOperatorTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  private static int status(int port, String path) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void anEmbeddedOperatorServesHealthReadinessAndMetricsAndStopsCleanly() throws Exception {
    OperatorConfig config = OperatorHarness.config(Map.of(OperatorConfig.HTTP_PORT, "0"));
    PiPoolOperator operator =
        PiPoolOperator.start(client, config, new SteppingClock(Instant.now()));
    int port = operator.httpPort();
    try {
      assertThat(port).isPositive();
      assertThat(status(port, "/healthz")).isEqualTo(200);
      eventually("ready").until(() -> status(port, "/readyz") == 200);
      String metrics =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(metrics)
          .contains("# TYPE pipool_operator_reconciles_total counter")
          .contains("jvm_threads_current");
    } finally {
      operator.stop();
    }
    assertThat(status(port, "/healthz")).isEqualTo(-1);
    // the client belongs to the caller and is still usable
    assertThat(client.namespaces().list()).isNotNull();
  }
}
