package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** One metric the pool scales on, with its own target and tolerance (like an HPA v2 metric). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricSpec {

  /** The load signals an agent reports. */
  public enum Type {
    /** Connections open on a node, averaged over the serving nodes. */
    Connections,
    /** Requests per second a node serves, averaged over the serving nodes. */
    RequestsPerSecond
  }

  @JsonPropertyDescription(
      "Connections: connections open per serving node (what clients hold open; behind a front"
          + " that pools connections, few). RequestsPerSecond: requests served per second per"
          + " serving node, from the agents' own counters (right behind an HTTP front such as"
          + " HAProxy in mode http).")
  @Required
  private Type type;

  @JsonPropertyDescription(
      "The average per serving node to aim for; this metric proposes ceil(total / target) nodes.")
  @Required
  @Min(1)
  private Double target;

  @JsonPropertyDescription(
      "No change is proposed while the average stays within this fraction of the target (0.1 ="
          + " 10%). Unset: spec.autoscaling.tolerance.")
  @Min(0)
  @Max(1)
  private Double tolerance;

  public MetricSpec() {}

  public MetricSpec(Type type, double target) {
    this.type = type;
    this.target = target;
  }

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Double getTarget() {
    return target;
  }

  public void setTarget(Double target) {
    this.target = target;
  }

  public Double getTolerance() {
    return tolerance;
  }

  public void setTolerance(Double tolerance) {
    this.tolerance = tolerance;
  }
}
