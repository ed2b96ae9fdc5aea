package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** The Service in front of the serving nodes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.nodePort) || self.type != 'ClusterIP'",
    message = "nodePort needs type NodePort or LoadBalancer",
    fieldPath = ".nodePort")
public class ServiceSpec {

  /** Kubernetes Service types the pool supports. */
  public enum Type {
    ClusterIP,
    NodePort,
    LoadBalancer
  }

  @JsonPropertyDescription(
      "ClusterIP (inside the cluster), NodePort (every node's port) or LoadBalancer (k3s"
          + " ServiceLB, MetalLB).")
  @Default("ClusterIP")
  private Type type = Type.ClusterIP;

  @JsonPropertyDescription("Port the Service exposes; it forwards to the agents' traffic port.")
  @Min(1)
  @Max(65535)
  @Default("80")
  private Integer port = 80;

  @JsonPropertyDescription(
      "Fixed node port for NodePort and LoadBalancer Services (30000-32767); chosen by the cluster"
          + " when unset.")
  @Min(30000)
  @Max(32767)
  private Integer nodePort;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getNodePort() {
    return nodePort;
  }

  public void setNodePort(Integer nodePort) {
    this.nodePort = nodePort;
  }
}
