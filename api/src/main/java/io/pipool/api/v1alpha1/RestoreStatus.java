package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Progress of restoring original sysctls on deletion. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RestoreStatus {

  @JsonPropertyDescription("When the restore started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("Nodes whose originals are back.")
  private List<String> restoredNodes;

  @JsonPropertyDescription("Nodes where restoring failed, with the reason.")
  private List<String> failedNodes;

  @JsonPropertyDescription("Nodes the restore has to cover.")
  private Integer totalNodes;

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public List<String> getRestoredNodes() {
    return restoredNodes;
  }

  public void setRestoredNodes(List<String> restoredNodes) {
    this.restoredNodes = restoredNodes;
  }

  public List<String> getFailedNodes() {
    return failedNodes;
  }

  public void setFailedNodes(List<String> failedNodes) {
    this.failedNodes = failedNodes;
  }

  public Integer getTotalNodes() {
    return totalNodes;
  }

  public void setTotalNodes(Integer totalNodes) {
    this.totalNodes = totalNodes;
  }
}
