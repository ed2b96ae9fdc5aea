package io.pipool.operator.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsHealthAndReadinessAreServed() throws Exception {
    OperatorMetrics metrics = new OperatorMetrics(new CollectorRegistry(true));
    metrics.reconciled("ns", "web", Duration.ofMillis(12), false);
    metrics.replicas("ns", "web", 3, 2);
    metrics.nodes("ns", "web", Map.of("pi-1", new OperatorMetrics.NodeReading(61.5, 120L)));
    metrics.decision("ns", "web", "ScaledUp");
    metrics.thresholdToLabel("ns", "web", Duration.ofMillis(1500));
    try (HttpEndpoints http = HttpEndpoints.start(0, metrics, () -> true, () -> false)) {
      HttpResponse<String> m = get(http.port(), "/metrics");
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body())
          .contains("pipool_operator_reconciles_total{namespace=\"ns\",pool=\"web\",} 1.0")
          .contains("pipool_operator_desired_replicas{namespace=\"ns\",pool=\"web\",} 3.0")
          .contains("pipool_operator_serving_replicas{namespace=\"ns\",pool=\"web\",} 2.0")
          .contains(
              "pipool_operator_node_temperature_celsius{namespace=\"ns\",pool=\"web\",node=\"pi-1\",} 61.5")
          .contains(
              "pipool_operator_node_connections{namespace=\"ns\",pool=\"web\",node=\"pi-1\",} 120.0")
          .contains(
              "pipool_operator_decisions_total{namespace=\"ns\",pool=\"web\",reason=\"ScaledUp\",} 1.0")
          .contains(
              "pipool_operator_threshold_to_label_seconds_count{namespace=\"ns\",pool=\"web\",} 1.0")
          .contains("pipool_operator_reconcile_duration_seconds_count");
      assertThat(get(http.port(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(http.port(), "/readyz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void nodesThatLeaveAndDeletedPoolsLeaveNoSeriesBehind() {
    CollectorRegistry registry = new CollectorRegistry(true);
    OperatorMetrics metrics = new OperatorMetrics(registry);
    String[] names = {"namespace", "pool", "node"};
    metrics.nodes(
        "ns",
        "web",
        Map.of(
            "pi-1",
            new OperatorMetrics.NodeReading(50.0, 1L),
            "pi-2",
            new OperatorMetrics.NodeReading(55.0, 2L)));
    metrics.nodes("ns", "web", Map.of("pi-1", new OperatorMetrics.NodeReading(51.0, 1L)));
    assertThat(
            registry.getSampleValue(
                "pipool_operator_node_temperature_celsius",
                names,
                new String[] {"ns", "web", "pi-2"}))
        .isNull();
    assertThat(
            registry.getSampleValue(
                "pipool_operator_node_temperature_celsius",
                names,
                new String[] {"ns", "web", "pi-1"}))
        .isEqualTo(51.0);
    metrics.forget("ns", "web");
    assertThat(
            registry.getSampleValue(
                "pipool_operator_node_temperature_celsius",
                names,
                new String[] {"ns", "web", "pi-1"}))
        .isNull();
  }
}
