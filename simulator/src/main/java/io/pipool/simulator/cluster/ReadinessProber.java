package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The kubelet's readiness probe: GET the path the pod's readiness probe names (the operator uses
 * the agent's /readyz/pod) on the agent's admin port, on the probe's period (capped at 5 s so the
 * demo's pods follow their agents quickly).
 */
final class ReadinessProber implements AutoCloseable {

  private static final Duration MAX_PERIOD = Duration.ofSeconds(5);
  private static final String DEFAULT_PATH = "/readyz/pod";

  private final HttpClient http;

  ReadinessProber(Vertx vertx) {
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(2000).setIdleTimeout(10).setMaxPoolSize(2));
  }

  /** True when the probe answers 200; false on any other answer or none. */
  CompletableFuture<Boolean> probe(String host, int port, Pod pod) {
    return http.request(HttpMethod.GET, port, host, path(pod))
        .compose(req -> req.send())
        .map(resp -> resp.statusCode() == 200)
        .otherwise(false)
        .toCompletionStage()
        .toCompletableFuture();
  }

  private static String path(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .map(Container::getReadinessProbe)
        .filter(p -> p != null && p.getHttpGet() != null && p.getHttpGet().getPath() != null)
        .map(p -> p.getHttpGet().getPath())
        .findFirst()
        .orElse(DEFAULT_PATH);
  }

  /** How often the pod's readiness is probed. */
  static Duration period(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(
            c -> c.getReadinessProbe() != null && c.getReadinessProbe().getPeriodSeconds() != null)
        .map(c -> Duration.ofSeconds(c.getReadinessProbe().getPeriodSeconds()))
        .findFirst()
        .map(d -> d.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : d)
        .orElse(Duration.ofSeconds(1));
  }

  @Override
  public void close() {
    http.close();
  }
}
