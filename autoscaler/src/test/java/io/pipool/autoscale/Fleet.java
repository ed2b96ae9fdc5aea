package io.pipool.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Simulated pool nodes: each has a temperature and can be made unreachable, unready, stale or
 * throttled. Load is spread evenly over the serving nodes, as an external balancer would.
 */
final class Fleet {

  /** One simulated node; mutable so a scenario can heat it, cut it off, and so on. */
  static final class Node {
    final String name;
    Double temperature;
    boolean reachable = true;
    boolean ready = true;
    boolean throttled;
    Duration age = Duration.ZERO;
    long extraConnections;
    Double requestsPerSecond;
    boolean reportsRequests = true;

    Node(String name, Double temperature) {
      this.name = name;
      this.temperature = temperature;
    }
  }

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  long totalConnections;
  double totalRequestsPerSecond;

  /** Nodes pi-1..pi-n at 50.0, 51.0, ... °C (pi-1 coolest). */
  static Fleet of(int n) {
    Fleet f = new Fleet();
    for (int i = 1; i <= n; i++) {
      f.add("pi-" + i, 49.0 + i);
    }
    return f;
  }

  Fleet add(String name, Double temperature) {
    nodes.put(name, new Node(name, temperature));
    return this;
  }

  Node node(String name) {
    Node n = nodes.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no node " + name);
    }
    return n;
  }

  Fleet load(long total) {
    this.totalConnections = total;
    return this;
  }

  /** Requests per second spread evenly over the serving nodes. */
  Fleet requests(double perSecond) {
    this.totalRequestsPerSecond = perSecond;
    return this;
  }

  Fleet temp(String name, double celsius) {
    node(name).temperature = celsius;
    return this;
  }

  /** What the operator would have polled at {@code now} with {@code serving} labelled. */
  List<NodeSample> samples(Instant now, Set<String> serving) {
    List<String> takers = nodes.keySet().stream().filter(serving::contains).sorted().toList();
    List<NodeSample> out = new ArrayList<>();
    for (Node n : nodes.values()) {
      long share = 0;
      int i = takers.indexOf(n.name);
      if (i >= 0) {
        share = totalConnections / takers.size() + (i < totalConnections % takers.size() ? 1 : 0);
      }
      share += n.extraConnections;
      Instant at = n.reachable ? now.minus(n.age) : now.minus(Duration.ofSeconds(60));
      out.add(
          new NodeSample(
              n.name,
              n.ready,
              at,
              n.reachable,
              n.reachable ? null : "connect timed out",
              n.reachable
                  ? new Load(
                      share,
                      !n.reportsRequests
                          ? null
                          : i >= 0 ? totalRequestsPerSecond / takers.size() : 0.0)
                  : Load.UNKNOWN,
              n.temperature,
              n.throttled));
    }
    return out;
  }
}
