package io.pipool.operator.metrics;

import io.fabric8.kubernetes.api.model.Condition;
import io.pipool.api.v1alpha1.NodeStatus;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The operator's Prometheus metrics, all prefixed pipool_operator_, in their own registry. */
public final class OperatorMetrics {

  private static final String P = "pipool_operator_";
  private static final List<String> CONDITION_STATUSES = List.of("True", "False", "Unknown");

  private final CollectorRegistry registry;
  private final Counter reconciles;
  private final Counter errors;
  private final Histogram duration;
  private final Gauge desired;
  private final Gauge serving;
  private final Gauge temperature;
  private final Gauge connections;
  private final Counter decisions;
  private final Histogram thresholdToLabel;
  private final Gauge condition;
  private final Map<String, Set<String>> nodesByPool = new ConcurrentHashMap<>();
  private final Set<String> conditionTypes = ConcurrentHashMap.newKeySet();

  public OperatorMetrics(CollectorRegistry registry) {
    this.registry = registry;
    reconciles =
        Counter.build(P + "reconciles_total", "Reconciliations of pools.")
            .labelNames("namespace", "pool")
            .register(registry);
    errors =
        Counter.build(P + "reconcile_errors_total", "Reconciliations that failed.")
            .labelNames("namespace", "pool")
            .register(registry);
    duration =
        Histogram.build(P + "reconcile_duration_seconds", "Time one reconciliation took.")
            .labelNames("namespace", "pool")
            .buckets(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
            .register(registry);
    desired =
        Gauge.build(P + "desired_replicas", "Nodes that should serve.")
            .labelNames("namespace", "pool")
            .register(registry);
    serving =
        Gauge.build(P + "serving_replicas", "Nodes labelled pipool.io/serving=true.")
            .labelNames("namespace", "pool")
            .register(registry);
    temperature =
        Gauge.build(P + "node_temperature_celsius", "SoC temperature an agent last reported.")
            .labelNames("namespace", "pool", "node")
            .register(registry);
    connections =
        Gauge.build(P + "node_connections", "Active connections an agent last reported.")
            .labelNames("namespace", "pool", "node")
            .register(registry);
    decisions =
        Counter.build(P + "decisions_total", "Autoscaler decisions, by what they did.")
            .labelNames("namespace", "pool", "reason")
            .register(registry);
    thresholdToLabel =
        Histogram.build(
                P + "threshold_to_label_seconds",
                "Time from the first sample past the drain threshold to the label change that"
                    + " took the node out of rotation.")
            .labelNames("namespace", "pool")
            .buckets(0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120)
            .register(registry);
    condition =
        Gauge.build(
                P + "condition",
                "Pool status conditions: 1 for the status a condition has now, 0 for the others"
                    + " (as kube-state-metrics' *_status_condition).")
            .labelNames("namespace", "pool", "type", "status")
            .register(registry);
  }

  public CollectorRegistry registry() {
    return registry;
  }

  public void reconciled(String namespace, String pool, Duration took, boolean failed) {
    reconciles.labels(namespace, pool).inc();
    duration.labels(namespace, pool).observe(took.toNanos() / 1e9);
    if (failed) {
      errors.labels(namespace, pool).inc();
    }
  }

  public void replicas(String namespace, String pool, int desiredReplicas, int servingReplicas) {
    desired.labels(namespace, pool).set(desiredReplicas);
    serving.labels(namespace, pool).set(servingReplicas);
  }

  /**
   * One node's gauges; null is unknown (the node did not answer), never zero.
   *
   * @param temperatureCelsius SoC temperature
   * @param connections connections open now
   */
  public record NodeReading(Double temperatureCelsius, Long connections) {

    /** The readings of a status's nodes, by node name, in order. */
    public static Map<String, NodeReading> of(List<NodeStatus> nodes) {
      Map<String, NodeReading> out = new LinkedHashMap<>();
      for (NodeStatus n : nodes) {
        out.put(n.getName(), new NodeReading(n.getTemperatureCelsius(), n.getConnections()));
      }
      return out;
    }
  }

  /**
   * Sets per-node gauges and drops those of nodes that left the pool; an unknown value drops the
   * series rather than exporting a zero.
   */
  public void nodes(String namespace, String pool, Map<String, NodeReading> readings) {
    Set<String> now = readings.keySet();
    Set<String> before = nodesByPool.put(namespace + "/" + pool, Set.copyOf(now));
    if (before != null) {
      before.stream().filter(n -> !now.contains(n)).forEach(n -> removeNode(namespace, pool, n));
    }
    readings.forEach(
        (node, v) -> {
          if (v.temperatureCelsius() == null) {
            temperature.remove(namespace, pool, node);
          } else {
            temperature.labels(namespace, pool, node).set(v.temperatureCelsius());
          }
          if (v.connections() == null) {
            connections.remove(namespace, pool, node);
          } else {
            connections.labels(namespace, pool, node).set(v.connections());
          }
        });
  }

  /** Mirrors the pool's conditions, so alerts can fire on, for example, ScalingLimited=True. */
  public void conditions(String namespace, String pool, List<Condition> conditions) {
    if (conditions == null) {
      return;
    }
    for (Condition c : conditions) {
      for (String status : CONDITION_STATUSES) {
        conditionTypes.add(c.getType());
        condition
            .labels(namespace, pool, c.getType(), status)
            .set(status.equals(c.getStatus()) ? 1 : 0);
      }
    }
  }

  public void decision(String namespace, String pool, String reason) {
    decisions.labels(namespace, pool, reason).inc();
  }

  public void thresholdToLabel(String namespace, String pool, Duration latency) {
    thresholdToLabel.labels(namespace, pool).observe(Math.max(0, latency.toMillis()) / 1000.0);
  }

  /** Drops every per-pool series of a deleted pool. */
  public void forget(String namespace, String pool) {
    Set<String> nodes = nodesByPool.remove(namespace + "/" + pool);
    if (nodes != null) {
      nodes.forEach(n -> removeNode(namespace, pool, n));
    }
    desired.remove(namespace, pool);
    serving.remove(namespace, pool);
    conditionTypes.forEach(
        type -> CONDITION_STATUSES.forEach(st -> condition.remove(namespace, pool, type, st)));
  }

  private void removeNode(String namespace, String pool, String node) {
    temperature.remove(namespace, pool, node);
    connections.remove(namespace, pool, node);
  }
}
