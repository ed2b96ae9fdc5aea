package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** One rate limit on scaling, as in the HPA's behavior field. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScalingPolicy {

  /** Whether value counts nodes or a percentage of the serving nodes. */
  public enum Type {
    Pods,
    Percent
  }

  @JsonPropertyDescription(
      "Pods: value is a number of nodes. Percent: a percentage of serving nodes.")
  @Required
  private Type type;

  @JsonPropertyDescription("How many nodes, or what percentage, may change within the period.")
  @Required
  @Min(1)
  private Integer value;

  @JsonPropertyDescription("Length of the period in seconds (1-1800).")
  @Required
  @Min(1)
  @Max(Defaults.MAX_PERIOD_SECONDS)
  private Integer periodSeconds;

  public ScalingPolicy() {}

  public ScalingPolicy(Type type, int value, int periodSeconds) {
    this.type = type;
    this.value = value;
    this.periodSeconds = periodSeconds;
  }

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Integer getValue() {
    return value;
  }

  public void setValue(Integer value) {
    this.value = value;
  }

  public Integer getPeriodSeconds() {
    return periodSeconds;
  }

  public void setPeriodSeconds(Integer periodSeconds) {
    this.periodSeconds = periodSeconds;
  }
}
