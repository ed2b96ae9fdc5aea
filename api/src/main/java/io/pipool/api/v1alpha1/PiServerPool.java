package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.pipool.api.validation.SpecReader;

/** A pool of Raspberry Pi nodes that serve HTTP traffic, tuned and scaled by pi-pool. */
@Group(PiServerPool.GROUP)
@Version(PiServerPool.VERSION)
@Kind("PiServerPool")
@Plural("piserverpools")
@Singular("piserverpool")
@ShortNames("pisp")
@Categories("pipool")
@AdditionalPrinterColumn(
    name = "Desired",
    jsonPath = ".status.desiredReplicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Serving",
    jsonPath = ".status.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Nodes",
    jsonPath = ".status.totals.nodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Targets",
    jsonPath = ".status.targets",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Max °C",
    jsonPath = ".status.totals.maxTemperatureCelsius",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class PiServerPool extends CustomResource<PiServerPoolSpec, PiServerPoolStatus>
    implements Namespaced {

  public static final String GROUP = "pipool.io";
  public static final String VERSION = "v1alpha1";

  /** Label on agent pods that tells whether the node is in rotation ("true"/"false"). */
  public static final String SERVING_LABEL = GROUP + "/serving";

  /** Label on every object the operator creates for a pool, naming the pool. */
  public static final String POOL_LABEL = GROUP + "/pool";

  // No initSpec()/initStatus(): a new instance must carry no spec, or every patch built from one
  // (the SDK's server-side-apply finalizer patch, for example) would claim the default spec fields
  // and overwrite what the user set.

  @Override
  @Required
  @JsonPropertyDescription(
      "What the pool should be: which nodes, how they serve, tune their kernel, cool down and scale.")
  public PiServerPoolSpec getSpec() {
    return super.getSpec();
  }

  /** Read leniently: a mistyped field becomes a violation the operator reports. */
  @Override
  @JsonDeserialize(using = SpecReader.class)
  public void setSpec(PiServerPoolSpec spec) {
    super.setSpec(spec);
  }

  @Override
  @JsonPropertyDescription(
      "What the operator observed and decided: serving nodes, temperatures, conditions.")
  public PiServerPoolStatus getStatus() {
    return super.getStatus();
  }
}
