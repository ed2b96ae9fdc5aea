package io.pipool.autoscale;

/**
 * A load signal the pool can scale on, read per node from the agent's own counters. Each is an
 * average per serving node, as the HPA's AverageValue targets are.
 */
public enum Metric {
  /** Connections open now on the node. */
  Connections("connections"),
  /** Requests served per second over the agent's last few seconds. */
  RequestsPerSecond("requests/s");

  private final String unit;

  Metric(String unit) {
    this.unit = unit;
  }

  /** How a value of this metric reads in a message: "connections", "requests/s". */
  public String unit() {
    return unit;
  }

  /** This metric's value in a node's load, or null when the node did not report it. */
  Double of(Load load) {
    return switch (this) {
      case Connections -> load.connections() == null ? null : load.connections().doubleValue();
      case RequestsPerSecond -> load.requestsPerSecond();
    };
  }
}
