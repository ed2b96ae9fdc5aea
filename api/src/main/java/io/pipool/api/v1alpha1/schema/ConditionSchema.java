package io.pipool.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Schema of a Kubernetes-style status condition, with kubectl-explain descriptions. */
public class ConditionSchema {

  @JsonPropertyDescription(
      "Ready, Valid, SysctlsApplied, ScalingActive, ScalingLimited or ThermalThrottling.")
  public String type;

  @JsonPropertyDescription("True, False or Unknown.")
  public String status;

  @JsonPropertyDescription("One CamelCase word saying why, e.g. ValidMetricFound, ThermalCapacity.")
  public String reason;

  @JsonPropertyDescription("What happened, for a human.")
  public String message;

  @JsonPropertyDescription("When status last changed (RFC 3339).")
  public String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation the condition was set for.")
  public Long observedGeneration;
}
