package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One past recommendation of the autoscaler. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Recommendation {

  @JsonPropertyDescription("When it was made (RFC 3339).")
  private String time;

  @JsonPropertyDescription("How many nodes it recommended serving.")
  private Integer replicas;

  public Recommendation() {}

  public Recommendation(String time, int replicas) {
    this.time = time;
    this.replicas = replicas;
  }

  public String getTime() {
    return time;
  }

  public void setTime(String time) {
    this.time = time;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }
}
