package io.pipool.simulator.haproxy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.simulator.load.Endpoint;
import io.pipool.simulator.load.LoadMeter;
import io.pipool.simulator.node.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * HAProxy in front of the simulated pool, configured from the operator's {@code <pool>-frontend}
 * ConfigMap. Every 250 ms it reads HAProxy's stats socket: the requests each server got feed the
 * nodes' thermal models (the load generator only sees HAProxy), and the weight HAProxy holds for
 * each server is recorded for the summary.
 */
public final class HaproxyFront implements AutoCloseable {

  private static final long SAMPLE_MS = 250;
  private static final String BACKEND_KEY = "haproxy.cfg";

  private final Haproxy haproxy;
  private final String backend;
  private final LoadMeter meter;
  private final Supplier<Duration> elapsed;
  private final ScheduledExecutorService sampler;
  private final Map<String, Long> lastRequests = new HashMap<>();
  private final Map<String, List<String>> history = new LinkedHashMap<>();
  private final Map<String, String> lastLabel = new HashMap<>();
  private final Map<String, Integer> maxWeightBeforeDrain = new HashMap<>();
  private final Map<String, Integer> minWeightBeforeDrain = new HashMap<>();
  private final Map<String, Duration> drainedAt = new ConcurrentHashMap<>();
  private volatile Map<String, Integer> perNode = Map.of();
  private volatile String error;

  private HaproxyFront(
      Haproxy haproxy, String backend, LoadMeter meter, Supplier<Duration> elapsed) {
    this.haproxy = haproxy;
    this.backend = backend;
    this.meter = meter;
    this.elapsed = elapsed;
    this.sampler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "haproxy-sampler");
              t.setDaemon(true);
              return t;
            });
    sampler.scheduleWithFixedDelay(this::sample, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
  }

  /**
   * Waits (up to {@code timeout}) for the pool's front-end ConfigMap to list {@code nodes} servers,
   * then starts HAProxy with it on a free loopback port.
   */
  public static HaproxyFront start(
      Path binary,
      Path dir,
      KubernetesClient client,
      String namespace,
      String pool,
      int nodes,
      int maxConnections,
      LoadMeter meter,
      Supplier<Duration> elapsed,
      Duration timeout)
      throws IOException, InterruptedException {
    String name = pool + "-frontend";
    long deadline = System.nanoTime() + timeout.toNanos();
    String cfg = null;
    while (System.nanoTime() < deadline) {
      ConfigMap cm = client.configMaps().inNamespace(namespace).withName(name).get();
      String text = cm == null || cm.getData() == null ? null : cm.getData().get(BACKEND_KEY);
      if (text != null
          && text.lines().filter(l -> l.strip().startsWith("server ")).count() >= nodes) {
        cfg = text;
        break;
      }
      Thread.sleep(250);
    }
    if (cfg == null) {
      throw new IOException(
          "ConfigMap " + namespace + "/" + name + " did not list " + nodes + " nodes in time");
    }
    String backend =
        cfg.lines()
            .filter(l -> l.startsWith("backend "))
            .map(l -> l.substring("backend ".length()).strip())
            .findFirst()
            .orElseThrow(() -> new IOException(name + ": no backend section"));
    int port = FreePorts.pick(List.of("127.0.0.1"), 1).get(0);
    Haproxy h = Haproxy.start(binary, dir, port, maxConnections, cfg, backend);
    return new HaproxyFront(h, backend, meter, elapsed);
  }

  /** The one endpoint the load generator talks to. */
  public List<Endpoint> endpoints() {
    return List.of(new Endpoint("haproxy", "127.0.0.1", haproxy.port()));
  }

  /** The HAProxy process, for its stats socket. */
  public Haproxy haproxy() {
    return haproxy;
  }

  /** The backend's name in HAProxy's configuration. */
  public String backend() {
    return backend;
  }

  /** HAProxy's current sessions per server (node). */
  public Map<String, Integer> perNode() {
    return perNode;
  }

  /** The operator took {@code node} out of rotation at {@code t}. */
  public void drained(String node, Duration t) {
    drainedAt.putIfAbsent(node, t);
  }

  private void sample() {
    try {
      Stats stats = haproxy.stats();
      ServersState state = haproxy.serversState(backend);
      Map<String, Integer> sessions = new LinkedHashMap<>();
      for (Stats.Server s : stats.servers().values()) {
        ServersState.Server srv = state.servers().get(s.name());
        if (srv == null) {
          continue;
        }
        sessions.put(s.name(), s.current());
        Long before = lastRequests.put(s.name(), s.requests());
        if (before != null && s.requests() > before) {
          meter.requests(srv.address(), s.requests() - before);
        }
      }
      perNode = Map.copyOf(sessions);
      record(state);
      error = null;
    } catch (RuntimeException e) {
      error = e.toString();
    }
  }

  private synchronized void record(ServersState state) {
    Duration t = elapsed.get();
    for (ServersState.Server s : state.servers().values()) {
      String label = s.label();
      String before = lastLabel.put(s.name(), label);
      if (!label.equals(before)) {
        history
            .computeIfAbsent(s.name(), k -> new ArrayList<>())
            .add("t=" + t.toSeconds() + "s " + label);
      }
      if (!drainedAt.containsKey(s.name()) && s.inRotation()) {
        maxWeightBeforeDrain.merge(s.name(), s.weight(), Math::max);
        minWeightBeforeDrain.merge(s.name(), s.weight(), Math::min);
      }
    }
  }

  /** The weight HAProxy held for each node over time, and what it did for {@code hot}. */
  public synchronized String report(String hot) {
    StringBuilder b = new StringBuilder();
    b.append("HAProxy in front (backend ")
        .append(backend)
        .append("); weight held per node, from its stats socket (show servers state):\n");
    history.forEach(
        (node, changes) -> {
          b.append("  ").append(node).append(node.equals(hot) ? " (hot)" : "").append(": ");
          b.append(String.join(" · ", shorten(changes))).append('\n');
        });
    if (hot != null && maxWeightBeforeDrain.containsKey(hot)) {
      Duration at = drainedAt.get(hot);
      b.append(
          String.format(
              Locale.ROOT,
              "hot node %s: HAProxy's weight fell from %d%% to %d%% %s%n",
              hot,
              maxWeightBeforeDrain.get(hot),
              minWeightBeforeDrain.get(hot),
              at == null
                  ? "(it was not drained)"
                  : "before the operator drained it at t=" + at.toSeconds() + "s"));
    }
    if (error != null) {
      b.append("  last stats-socket error: ").append(error).append('\n');
    }
    return b.toString();
  }

  /** The lowest weight HAProxy held for {@code node} while in rotation, before any drain. */
  public synchronized Integer lowestWeightBeforeDrain(String node) {
    return minWeightBeforeDrain.get(node);
  }

  private static List<String> shorten(List<String> changes) {
    if (changes.size() <= 14) {
      return changes;
    }
    List<String> out = new ArrayList<>(changes.subList(0, 6));
    out.add("… " + (changes.size() - 12) + " more …");
    out.addAll(changes.subList(changes.size() - 6, changes.size()));
    return out;
  }

  /** Stops sampling and stops HAProxy. */
  @Override
  public void close() {
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    haproxy.close();
  }
}
