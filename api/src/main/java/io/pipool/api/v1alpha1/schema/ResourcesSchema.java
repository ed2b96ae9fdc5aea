package io.pipool.api.v1alpha1.schema;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Map;

/** Schema of container resource requirements, with kubectl-explain descriptions. */
public class ResourcesSchema {

  @JsonPropertyDescription(
      "Most CPU and memory the container may use, e.g. cpu: \"1\", memory: 192Mi.")
  public Map<String, IntOrString> limits;

  @JsonPropertyDescription(
      "CPU and memory reserved for the container, e.g. cpu: 100m, memory: 96Mi.")
  public Map<String, IntOrString> requests;
}
