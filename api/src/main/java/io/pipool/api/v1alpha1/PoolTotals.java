package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Pool-wide figures. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PoolTotals {

  @JsonPropertyDescription("Agent pods in the pool (one per matching node).")
  private Integer nodes;

  @JsonPropertyDescription("Agent pods whose container is running and whose agent answered.")
  private Integer reachableNodes;

  @JsonPropertyDescription("Active connections over all reachable agents.")
  private Long connections;

  @JsonPropertyDescription("Active connections divided by the number of serving nodes.")
  private Long connectionsPerServingNode;

  @JsonPropertyDescription("Requests per second over all reachable agents.")
  private Double requestsPerSecond;

  @JsonPropertyDescription("Highest SoC temperature reported (°C).")
  private Double maxTemperatureCelsius;

  @JsonPropertyDescription("Node with the highest SoC temperature.")
  private String hottestNode;

  public Integer getNodes() {
    return nodes;
  }

  public void setNodes(Integer nodes) {
    this.nodes = nodes;
  }

  public Integer getReachableNodes() {
    return reachableNodes;
  }

  public void setReachableNodes(Integer reachableNodes) {
    this.reachableNodes = reachableNodes;
  }

  public Long getConnections() {
    return connections;
  }

  public void setConnections(Long connections) {
    this.connections = connections;
  }

  public Long getConnectionsPerServingNode() {
    return connectionsPerServingNode;
  }

  public void setConnectionsPerServingNode(Long connectionsPerServingNode) {
    this.connectionsPerServingNode = connectionsPerServingNode;
  }

  public Double getRequestsPerSecond() {
    return requestsPerSecond;
  }

  public void setRequestsPerSecond(Double requestsPerSecond) {
    this.requestsPerSecond = requestsPerSecond;
  }

  public Double getMaxTemperatureCelsius() {
    return maxTemperatureCelsius;
  }

  public void setMaxTemperatureCelsius(Double maxTemperatureCelsius) {
    this.maxTemperatureCelsius = maxTemperatureCelsius;
  }

  public String getHottestNode() {
    return hottestNode;
  }

  public void setHottestNode(String hottestNode) {
    this.hottestNode = hottestNode;
  }
}
