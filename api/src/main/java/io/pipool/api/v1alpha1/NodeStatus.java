package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** One pool node as the operator sees it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {

  /** Where a node stands in rotation. */
  public enum Phase {
    /** Agent pod not running or not ready yet. */
    Pending,
    /** In rotation: labelled serving, and its agent says it serves. */
    Serving,
    /**
     * Labelled serving, but its agent does not say it serves (its /v1/status says Standby or
     * Draining, or it has not answered since the label was set): not in rotation for a front that
     * health-checks the agent.
     */
    Unconfirmed,
    /** Cool and ready, not needed now. */
    Standby,
    /** Leaving rotation because it got hot; stays out until below resumeCelsius. */
    Draining,
    /** Out of rotation because of temperature or throttling, cooling down. */
    Hot,
    /** Agent did not answer (or answered garbage) on the last poll. */
    Unreachable
  }

  /** Whether the node's kernel holds the sysctls the pool asks for. */
  public enum SysctlState {
    Applied,
    Drifted,
    Failed,
    Unknown
  }

  @JsonPropertyDescription("Kubernetes node name.")
  private String name;

  @JsonPropertyDescription("Agent pod on the node.")
  private String pod;

  @JsonPropertyDescription("Pod IP (the node's address, as the agent uses host network).")
  private String podIP;

  @JsonPropertyDescription("Pending, Serving, Standby, Draining, Hot or Unreachable.")
  private Phase phase;

  @JsonPropertyDescription("Why the node is in this phase, in a few words.")
  private String reason;

  @JsonPropertyDescription("Active connections on the node.")
  private Long connections;

  @JsonPropertyDescription("Requests per second on the node.")
  private Double requestsPerSecond;

  @JsonPropertyDescription("SoC temperature (°C); absent when the sensor cannot be read.")
  private Double temperatureCelsius;

  @JsonPropertyDescription("Firmware throttle flags (vcgencmd get_throttled).")
  private Throttling throttling;

  @JsonPropertyDescription("Applied, Drifted, Failed or Unknown.")
  private SysctlState sysctls;

  @JsonPropertyDescription("Sysctls that do not hold their desired value on this node.")
  private List<String> driftedSysctls;

  @JsonPropertyDescription("When the agent last answered (RFC 3339).")
  private String lastSeen;

  @JsonPropertyDescription(
      "When the node's phase last changed (RFC 3339), for thermal hysteresis bookkeeping.")
  private String phaseSince;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getPodIP() {
    return podIP;
  }

  public void setPodIP(String podIP) {
    this.podIP = podIP;
  }

  public Phase getPhase() {
    return phase;
  }

  public void setPhase(Phase phase) {
    this.phase = phase;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Long getConnections() {
    return connections;
  }

  public void setConnections(Long connections) {
    this.connections = connections;
  }

  public Double getRequestsPerSecond() {
    return requestsPerSecond;
  }

  public void setRequestsPerSecond(Double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  public Double getTemperatureCelsius() {
    return temperatureCelsius;
  }

  public void setTemperatureCelsius(Double temperatureCelsius) {
    this.temperatureCelsius = temperatureCelsius;
  }

  public Throttling getThrottling() {
    return throttling;
  }

  public void setThrottling(Throttling throttling) {
    this.throttling = throttling;
  }

  public SysctlState getSysctls() {
    return sysctls;
  }

  public void setSysctls(SysctlState sysctls) {
    this.sysctls = sysctls;
  }

  public List<String> getDriftedSysctls() {
    return driftedSysctls;
  }

  public void setDriftedSysctls(List<String> driftedSysctls) {
    this.driftedSysctls = driftedSysctls;
  }

  public String getLastSeen() {
    return lastSeen;
  }

  public void setLastSeen(String lastSeen) {
    this.lastSeen = lastSeen;
  }

  public String getPhaseSince() {
    return phaseSince;
  }

  public void setPhaseSince(String phaseSince) {
    this.phaseSince = phaseSince;
  }
}
