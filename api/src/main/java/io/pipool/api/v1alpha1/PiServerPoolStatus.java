package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import io.pipool.api.v1alpha1.schema.ConditionSchema;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed and decided, as shown by kubectl get and describe. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PiServerPoolStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Number of nodes serving now (agent pods labelled pipool.io/serving=true).")
  @StatusReplicas
  private Integer replicas;

  @JsonPropertyDescription(
      "Number of nodes that should serve: spec.replicas, or the autoscaler's decision.")
  private Integer desiredReplicas;

  @JsonPropertyDescription("Label selector of the serving agent pods (for the scale subresource).")
  @LabelSelector
  private String selector;

  @JsonPropertyDescription("Pool-wide figures from the latest poll of the agents.")
  private PoolTotals totals;

  @JsonPropertyDescription("One entry per pool node: its agent, phase, load, temperature, sysctls.")
  private List<NodeStatus> nodes = new ArrayList<>();

  @JsonPropertyDescription("When the serving set last changed size (RFC 3339).")
  private String lastScaleTime;

  @JsonPropertyDescription(
      "Name of the ConfigMap (in the pool's namespace) holding a ready-to-use HAProxy backend"
          + " (haproxy.cfg, with agent checks when spec.server.agentCheckPort is set) and nginx"
          + " upstream (nginx.conf) listing every pool node, for a balancer outside Kubernetes.")
  private String frontendConfigMap;

  @JsonPropertyDescription(
      "The autoscaler's recent recommendations, kept so that stabilization windows survive an"
          + " operator restart.")
  private List<Recommendation> recommendations = new ArrayList<>();

  @JsonPropertyDescription(
      "Each metric the pool scales on: its current average per serving node, its target, the"
          + " nodes it proposes, and which one drove the latest decision.")
  private List<MetricStatus> currentMetrics = new ArrayList<>();

  @JsonPropertyDescription(
      "Each metric as current/target, the driving one first, for kubectl get: for example"
          + " \"requests/s 180/50, connections 40/3,000\".")
  private String targets;

  @JsonPropertyDescription(
      "Recent changes of the serving count (direction, from, to, time), within the longest rate"
          + " policy period: the rate policies read them, so they hold across an operator restart.")
  private List<ScaleMoveStatus> scaleMoves = new ArrayList<>();

  @JsonPropertyDescription(
      "Progress of restoring the nodes' original sysctls while the pool is being deleted.")
  private RestoreStatus restore;

  @JsonPropertyDescription(
      "The operator replica leading when this status was written, and since when it leads: a"
          + " change here is a failover (a LeaderChanged Event says from which replica).")
  private LeaderStatus leader;

  @JsonPropertyDescription(
      "Ready, Valid, SysctlsApplied, ScalingActive, ScalingLimited and ThermalThrottling, with"
          + " reason and message.")
  @SchemaFrom(type = ConditionSchema[].class)
  private List<Condition> conditions = new ArrayList<>();

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getDesiredReplicas() {
    return desiredReplicas;
  }

  public void setDesiredReplicas(Integer desiredReplicas) {
    this.desiredReplicas = desiredReplicas;
  }

  public String getSelector() {
    return selector;
  }

  public void setSelector(String selector) {
    this.selector = selector;
  }

  public PoolTotals getTotals() {
    return totals;
  }

  public void setTotals(PoolTotals totals) {
    this.totals = totals;
  }

  public List<NodeStatus> getNodes() {
    return nodes;
  }

  public void setNodes(List<NodeStatus> nodes) {
    this.nodes = nodes;
  }

  public String getLastScaleTime() {
    return lastScaleTime;
  }

  public void setLastScaleTime(String lastScaleTime) {
    this.lastScaleTime = lastScaleTime;
  }

  public String getFrontendConfigMap() {
    return frontendConfigMap;
  }

  public void setFrontendConfigMap(String frontendConfigMap) {
    this.frontendConfigMap = frontendConfigMap;
  }

  public List<Recommendation> getRecommendations() {
    return recommendations;
  }

  public void setRecommendations(List<Recommendation> recommendations) {
    this.recommendations = recommendations;
  }

  public List<MetricStatus> getCurrentMetrics() {
    return currentMetrics;
  }

  public void setCurrentMetrics(List<MetricStatus> currentMetrics) {
    this.currentMetrics = currentMetrics;
  }

  public String getTargets() {
    return targets;
  }

  public void setTargets(String targets) {
    this.targets = targets;
  }

  public List<ScaleMoveStatus> getScaleMoves() {
    return scaleMoves;
  }

  public void setScaleMoves(List<ScaleMoveStatus> scaleMoves) {
    this.scaleMoves = scaleMoves;
  }

  public RestoreStatus getRestore() {
    return restore;
  }

  public void setRestore(RestoreStatus restore) {
    this.restore = restore;
  }

  public LeaderStatus getLeader() {
    return leader;
  }

  public void setLeader(LeaderStatus leader) {
    this.leader = leader;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }
}
