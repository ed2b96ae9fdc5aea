package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** Autoscaling of the serving set on connections and temperature. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.maxReplicas) || self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas",
    fieldPath = ".minReplicas")
public class AutoscalingSpec {

  /** Whether decisions are applied or only reported. */
  public enum Mode {
    Auto,
    DryRun
  }

  @JsonPropertyDescription(
      "Let the operator choose how many and which nodes serve. When false, spec.replicas nodes"
          + " serve (hot nodes still leave rotation).")
  @Default("false")
  private Boolean enabled = false;

  @JsonPropertyDescription(
      "Auto applies each decision by relabelling pods; DryRun computes and reports the decision"
          + " in status and events without changing any label.")
  @Default("Auto")
  private Mode mode = Mode.Auto;

  @JsonPropertyDescription("Fewest nodes that serve, whatever the load.")
  @Min(0)
  @Default("1")
  private Integer minReplicas = 1;

  @JsonPropertyDescription(
      "Most nodes that serve. Unset means as many as the pool has eligible (cool, ready) nodes.")
  @Min(1)
  private Integer maxReplicas;

  @JsonPropertyDescription(
      "Active connections one serving node should carry; desired replicas = ceil(total active"
          + " connections / this).")
  @Min(1)
  @Default("3000")
  private Integer targetConnectionsPerReplica = 3000;

  @JsonPropertyDescription(
      "Seconds between two reads of every agent's /v1/status. A sample older than three"
          + " intervals is stale.")
  @Min(1)
  @Max(300)
  @Default("10")
  private Integer pollIntervalSeconds = 10;

  @JsonPropertyDescription(
      "No scaling while connections per serving node stay within this fraction of the target"
          + " (0.1 = 10%), so small swings do not move nodes in and out.")
  @Min(0)
  @Max(1)
  @Default("0.1")
  private Double tolerance = 0.1;

  @JsonPropertyDescription(
      "How fast to add serving nodes. Default: no stabilization window; at most 100% more or 4"
          + " nodes per 15 s, whichever is more.")
  private ScalingRules scaleUp;

  @JsonPropertyDescription(
      "How fast to remove serving nodes. Default: the highest recommendation of the last 300 s"
          + " wins; at most 100% per 15 s.")
  private ScalingRules scaleDown;

  public Boolean getEnabled() {
    return enabled;
  }

  public void setEnabled(Boolean enabled) {
    this.enabled = enabled;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public Integer getMinReplicas() {
    return minReplicas;
  }

  public void setMinReplicas(Integer minReplicas) {
    this.minReplicas = minReplicas;
  }

  public Integer getMaxReplicas() {
    return maxReplicas;
  }

  public void setMaxReplicas(Integer maxReplicas) {
    this.maxReplicas = maxReplicas;
  }

  public Integer getTargetConnectionsPerReplica() {
    return targetConnectionsPerReplica;
  }

  public void setTargetConnectionsPerReplica(Integer targetConnectionsPerReplica) {
    this.targetConnectionsPerReplica = targetConnectionsPerReplica;
  }

  public Integer getPollIntervalSeconds() {
    return pollIntervalSeconds;
  }

  public void setPollIntervalSeconds(Integer pollIntervalSeconds) {
    this.pollIntervalSeconds = pollIntervalSeconds;
  }

  public Double getTolerance() {
    return tolerance;
  }

  public void setTolerance(Double tolerance) {
    this.tolerance = tolerance;
  }

  public ScalingRules getScaleUp() {
    return scaleUp;
  }

  public void setScaleUp(ScalingRules scaleUp) {
    this.scaleUp = scaleUp;
  }

  public ScalingRules getScaleDown() {
    return scaleDown;
  }

  public void setScaleDown(ScalingRules scaleDown) {
    this.scaleDown = scaleDown;
  }
}
