package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import java.util.List;

/** HPA-style behaviour for one scaling direction. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingRules {

  /** Which policy wins when several allow different changes. */
  public enum SelectPolicy {
    Max,
    Min,
    Disabled
  }

  @JsonPropertyDescription(
      "Seconds of past recommendations to consider: scaling down uses the highest recommendation"
          + " in the window, scaling up the lowest. Defaults: 0 for scaleUp, 300 for scaleDown.")
  @Min(0)
  @Max(Defaults.MAX_WINDOW_SECONDS)
  private Integer stabilizationWindowSeconds;

  @JsonPropertyDescription(
      "Max picks the policy that allows the largest change, Min the smallest; Disabled turns"
          + " scaling in this direction off. Default Max.")
  private SelectPolicy selectPolicy;

  @JsonPropertyDescription(
      "Rate limits: each allows at most value nodes (Pods) or value percent of the serving nodes"
          + " (Percent) to change within periodSeconds.")
  private List<ScalingPolicy> policies;

  public Integer getStabilizationWindowSeconds() {
    return stabilizationWindowSeconds;
  }

  public void setStabilizationWindowSeconds(Integer stabilizationWindowSeconds) {
    this.stabilizationWindowSeconds = stabilizationWindowSeconds;
  }

  public SelectPolicy getSelectPolicy() {
    return selectPolicy;
  }

  public void setSelectPolicy(SelectPolicy selectPolicy) {
    this.selectPolicy = selectPolicy;
  }

  public List<ScalingPolicy> getPolicies() {
    return policies;
  }

  public void setPolicies(List<ScalingPolicy> policies) {
    this.policies = policies;
  }
}
