package io.pipool.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Schema of a pod toleration, with kubectl-explain descriptions. */
public class TolerationSchema {

  @JsonPropertyDescription(
      "Taint key the toleration applies to; empty with operator Exists matches all.")
  public String key;

  @JsonPropertyDescription("Exists or Equal (default Equal).")
  public String operator;

  @JsonPropertyDescription("Taint value to match when operator is Equal.")
  public String value;

  @JsonPropertyDescription("NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects.")
  public String effect;

  @JsonPropertyDescription("For NoExecute: seconds the pod stays bound after the taint appears.")
  public Long tolerationSeconds;
}
