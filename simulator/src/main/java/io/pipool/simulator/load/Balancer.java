package io.pipool.simulator.load;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.v1alpha1.PiServerPool;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The external balancer in front of the pool, as pi-pool's docs describe it: its backends are the
 * agent pods the pool's Service selects (labelled {@code pipool.io/serving=true}), and it keeps
 * only those whose {@code /readyz} answers 200 on the latest health check.
 */
public final class Balancer implements AutoCloseable {

  private final Vertx vertx;
  private final HttpClient http;
  private final Supplier<List<Pod>> pods;
  private final String pool;
  private final Map<String, Boolean> healthy = new ConcurrentHashMap<>();
  private final Set<String> checking = ConcurrentHashMap.newKeySet();
  private final long timer;

  /**
   * @param pods the pods as the API server has them now
   * @param pool the pool whose serving pods are the backends
   * @param checkMillis health-check period
   */
  public Balancer(Vertx vertx, Supplier<List<Pod>> pods, String pool, long checkMillis) {
    this.vertx = vertx;
    this.pods = pods;
    this.pool = pool;
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions().setConnectTimeout(1000).setIdleTimeout(5).setMaxPoolSize(1));
    this.timer = vertx.setPeriodic(checkMillis, id -> check());
  }

  /** Backends in rotation now: selected by the Service's labels and healthy, sorted by node. */
  public List<Endpoint> endpoints() {
    List<Endpoint> out = new ArrayList<>();
    for (Pod p : selected()) {
      String ip = p.getStatus().getPodIP();
      if (Boolean.TRUE.equals(healthy.get(ip))) {
        out.add(new Endpoint(p.getSpec().getNodeName(), ip, port(p, "http")));
      }
    }
    out.sort(Comparator.comparing(Endpoint::node));
    return out;
  }

  private List<Pod> selected() {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods.get()) {
      Map<String, String> labels = p.getMetadata().getLabels();
      if (labels != null
          && pool.equals(labels.get(PiServerPool.POOL_LABEL))
          && "true".equals(labels.get(PiServerPool.SERVING_LABEL))
          && p.getMetadata().getDeletionTimestamp() == null
          && p.getStatus() != null
          && p.getStatus().getPodIP() != null
          && port(p, "http") > 0) {
        out.add(p);
      }
    }
    return out;
  }

  private void check() {
    List<Pod> backends = selected();
    Set<String> ips = ConcurrentHashMap.newKeySet();
    for (Pod p : backends) {
      String ip = p.getStatus().getPodIP();
      ips.add(ip);
      int admin = port(p, "admin");
      if (admin <= 0 || !checking.add(ip)) {
        continue;
      }
      http.request(HttpMethod.GET, admin, ip, "/readyz")
          .compose(req -> req.send())
          .map(resp -> resp.statusCode() == 200)
          .otherwise(false)
          .onComplete(
              ar -> {
                checking.remove(ip);
                healthy.put(ip, ar.succeeded() && ar.result());
              });
    }
    healthy.keySet().retainAll(ips);
  }

  private static int port(Pod p, String name) {
    return p.getSpec().getContainers().stream()
        .flatMap(c -> Objects.requireNonNullElse(c.getPorts(), List.<ContainerPort>of()).stream())
        .filter(cp -> name.equals(cp.getName()))
        .mapToInt(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(-1);
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    http.close();
  }
}
