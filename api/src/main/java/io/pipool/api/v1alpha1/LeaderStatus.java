package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Which operator replica leads, so a failover shows in status and kubectl describe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class LeaderStatus {

  @JsonPropertyDescription(
      "The operator replica (its pod name) that holds the leader Lease and wrote this status; the"
          + " only replica when leader election is off.")
  private String replica;

  @JsonPropertyDescription("When that replica took the Lease, or started without one (RFC 3339).")
  private String since;

  public LeaderStatus() {}

  public LeaderStatus(String replica, String since) {
    this.replica = replica;
    this.since = since;
  }

  public String getReplica() {
    return replica;
  }

  public void setReplica(String replica) {
    this.replica = replica;
  }

  public String getSince() {
    return since;
  }

  public void setSince(String since) {
    this.since = since;
  }
}
