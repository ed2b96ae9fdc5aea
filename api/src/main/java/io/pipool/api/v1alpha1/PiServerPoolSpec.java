package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import io.pipool.api.v1alpha1.schema.ResourcesSchema;
import io.pipool.api.v1alpha1.schema.TolerationSchema;
import io.pipool.api.validation.SpecReader;
import io.pipool.api.validation.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the user asks for: where the agent runs, how it serves, tunes, cools and scales. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PiServerPoolSpec {

  @JsonPropertyDescription(
      "Labels a node must carry to join the pool, for example kubernetes.io/arch: arm64. Empty"
          + " means every schedulable node.")
  private Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "Tolerations for the agent pods, so the pool can use tainted nodes (for example a"
          + " control-plane Pi).")
  @SchemaFrom(type = TolerationSchema[].class)
  private List<Toleration> tolerations = new ArrayList<>();

  @JsonPropertyDescription(
      "Agent container image. Defaults to the operator's own default agent image for its"
          + " version.")
  @Pattern("^[^\\s]+$")
  private String image;

  @JsonPropertyDescription(
      "How many nodes serve traffic when autoscaling is off. The agent still runs on every pool"
          + " node; this many of them are labelled pipool.io/serving=true. kubectl scale sets"
          + " this field.")
  @SpecReplicas
  @Min(0)
  @Default("" + Defaults.REPLICAS)
  private Integer replicas = Defaults.REPLICAS;

  @JsonPropertyDescription(
      "CPU and memory for the serving container. Defaults suit a Raspberry Pi 4: requests 100m"
          + " CPU and 96Mi, limits 1 CPU and 192Mi.")
  @SchemaFrom(type = ResourcesSchema.class)
  private ResourceRequirements resources;

  @JsonPropertyDescription("The HTTP server every agent runs on its node.")
  private ServerSpec server = new ServerSpec();

  @JsonPropertyDescription("Kernel settings the agent's privileged init step applies on each node.")
  private SysctlSpec sysctls = new SysctlSpec();

  @JsonPropertyDescription(
      "SoC temperature thresholds: when a node leaves rotation, when it may return, and when the"
          + " agent sheds load by itself.")
  private ThermalSpec thermal = new ThermalSpec();

  @JsonPropertyDescription(
      "Scale the number of serving nodes on active connections and SoC temperature.")
  private AutoscalingSpec autoscaling = new AutoscalingSpec();

  @JsonPropertyDescription(
      "The Service in front of the serving nodes (it selects pipool.io/serving=true pods only).")
  private ServiceSpec service = new ServiceSpec();

  /** Values that could not be read into their fields (see {@link SpecReader}); never written. */
  @JsonIgnore private List<Violation> parseViolations = List.of();

  public Map<String, String> getNodeSelector() {
    return nodeSelector;
  }

  public void setNodeSelector(Map<String, String> nodeSelector) {
    this.nodeSelector = nodeSelector;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }

  @JsonIgnore
  public List<Violation> getParseViolations() {
    return parseViolations;
  }

  @JsonIgnore
  public void setParseViolations(List<Violation> parseViolations) {
    this.parseViolations = List.copyOf(parseViolations);
  }

  public ServerSpec getServer() {
    return server;
  }

  public void setServer(ServerSpec server) {
    // a section is never null: unset means every default of that section
    this.server = server == null ? new ServerSpec() : server;
  }

  public SysctlSpec getSysctls() {
    return sysctls;
  }

  public void setSysctls(SysctlSpec sysctls) {
    // a section is never null: unset means every default of that section
    this.sysctls = sysctls == null ? new SysctlSpec() : sysctls;
  }

  public ThermalSpec getThermal() {
    return thermal;
  }

  public void setThermal(ThermalSpec thermal) {
    // a section is never null: unset means every default of that section
    this.thermal = thermal == null ? new ThermalSpec() : thermal;
  }

  public AutoscalingSpec getAutoscaling() {
    return autoscaling;
  }

  public void setAutoscaling(AutoscalingSpec autoscaling) {
    // a section is never null: unset means every default of that section
    this.autoscaling = autoscaling == null ? new AutoscalingSpec() : autoscaling;
  }

  public ServiceSpec getService() {
    return service;
  }

  public void setService(ServiceSpec service) {
    // a section is never null: unset means every default of that section
    this.service = service == null ? new ServiceSpec() : service;
  }
}
