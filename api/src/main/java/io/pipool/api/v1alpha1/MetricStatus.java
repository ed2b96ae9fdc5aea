package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One metric as the latest decision judged it (like an HPA's currentMetrics entry). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MetricStatus {

  @JsonPropertyDescription("Connections or RequestsPerSecond.")
  private MetricSpec.Type type;

  @JsonPropertyDescription(
      "Average per serving node over the agents that answered; unset when none reported it.")
  private Double current;

  @JsonPropertyDescription("The average per serving node aimed for.")
  private Double target;

  @JsonPropertyDescription("How many nodes this metric alone asks for; unset without data.")
  private Integer proposedReplicas;

  @JsonPropertyDescription(
      "True for the metric whose proposal (the largest) the decision followed.")
  private Boolean drives;

  public MetricSpec.Type getType() {
    return type;
  }

  public void setType(MetricSpec.Type type) {
    this.type = type;
  }

  public Double getCurrent() {
    return current;
  }

  public void setCurrent(Double current) {
    this.current = current;
  }

  public Double getTarget() {
    return target;
  }

  public void setTarget(Double target) {
    this.target = target;
  }

  public Integer getProposedReplicas() {
    return proposedReplicas;
  }

  public void setProposedReplicas(Integer proposedReplicas) {
    this.proposedReplicas = proposedReplicas;
  }

  public Boolean getDrives() {
    return drives;
  }

  public void setDrives(Boolean drives) {
    this.drives = drives;
  }
}
