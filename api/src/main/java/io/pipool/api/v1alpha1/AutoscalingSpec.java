package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Autoscaling of the serving set on a list of load metrics, with temperature as a veto. */
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
  @Default("" + Defaults.MIN_REPLICAS)
  private Integer minReplicas = Defaults.MIN_REPLICAS;

  @JsonPropertyDescription(
      "Most nodes that serve. Unset means as many as the pool has eligible (cool, ready) nodes.")
  @Min(1)
  private Integer maxReplicas;

  @JsonPropertyDescription(
      "What to scale on: each metric proposes a number of serving nodes and the largest wins"
          + " (then windows, rate policies and heat apply). Unset: Connections with target"
          + " targetConnectionsPerReplica.")
  @Size(max = Defaults.MAX_METRICS)
  @ValidationRule(
      value = "self.all(m, self.exists_one(n, n.type == m.type))",
      message = "each metric type (Connections, RequestsPerSecond) may be listed once")
  private List<MetricSpec> metrics;

  @JsonPropertyDescription(
      "The older spelling of metrics: [{type: Connections, target: this}], used only when"
          + " metrics is unset (default "
          + Defaults.TARGET_CONNECTIONS
          + ").")
  @Min(1)
  private Integer targetConnectionsPerReplica;

  @JsonPropertyDescription(
      "Seconds between two reads of every agent's /v1/status. A sample older than three"
          + " intervals is stale.")
  @Min(1)
  @Max(Defaults.MAX_POLL_INTERVAL_SECONDS)
  @Default("" + Defaults.POLL_INTERVAL_SECONDS)
  private Integer pollIntervalSeconds = Defaults.POLL_INTERVAL_SECONDS;

  @JsonPropertyDescription(
      "No scaling while a metric's average per serving node stays within this fraction of its"
          + " target (0.1 = 10%), so small swings do not move nodes in and out. A metric's own"
          + " tolerance overrides it.")
  @Min(0)
  @Max(1)
  @Default(Defaults.TOLERANCE_TEXT)
  private Double tolerance = Defaults.TOLERANCE;

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

  public List<MetricSpec> getMetrics() {
    return metrics;
  }

  public void setMetrics(List<MetricSpec> metrics) {
    this.metrics = metrics;
  }

  /**
   * The metrics in effect: {@code metrics} when set, else one Connections metric with target {@code
   * targetConnectionsPerReplica} (or its default), so older pools scale as before.
   */
  public List<MetricSpec> effectiveMetrics() {
    if (metrics != null && !metrics.isEmpty()) {
      return metrics;
    }
    return List.of(
        new MetricSpec(
            MetricSpec.Type.Connections,
            targetConnectionsPerReplica == null
                ? Defaults.TARGET_CONNECTIONS
                : targetConnectionsPerReplica));
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
