package io.pipool.simulator.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * The kubelet's readiness probe: GET the path the pod's readiness probe names (the operator uses
 * the agent's /readyz/pod) on the agent's admin port, on the probe's period (capped at 5 s so the
 * demo's pods follow their agents quickly), reporting only changes.
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

  /** Probes when due; calls {@code changed} with the new readiness when it differs. */
  void probe(PodRun run, Pod pod, Instant now, Consumer<Boolean> changed) {
    if (run.probing || now.isBefore(run.nextProbe)) {
      return;
    }
    run.probing = true;
    run.nextProbe = now.plus(period(pod));
    http.request(HttpMethod.GET, run.agent.adminPort(), run.node.address(), path(pod))
        .compose(req -> req.send())
        .map(resp -> resp.statusCode() == 200)
        .otherwise(false)
        .onComplete(
            ar -> {
              run.probing = false;
              boolean ready = ar.succeeded() && ar.result();
              if (run.stage == PodRun.Stage.RUNNING && run.ready != null && run.ready != ready) {
                run.ready = ready;
                changed.accept(ready);
              }
            });
  }

  private static String path(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .map(Container::getReadinessProbe)
        .filter(p -> p != null && p.getHttpGet() != null && p.getHttpGet().getPath() != null)
        .map(p -> p.getHttpGet().getPath())
        .findFirst()
        .orElse(DEFAULT_PATH);
  }

  private static Duration period(Pod pod) {
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
