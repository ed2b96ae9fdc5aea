package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;

/** SoC temperature thresholds, with hysteresis; defaults suit a Raspberry Pi 4. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.resumeCelsius < self.drainCelsius && self.drainCelsius < self.criticalCelsius",
    message = "thresholds must satisfy resumeCelsius < drainCelsius < criticalCelsius")
public class ThermalSpec {

  /** drainCelsius when not given; the agent stops shedding below it too. */
  public static final int DEFAULT_DRAIN_CELSIUS = Defaults.DRAIN_CELSIUS;

  /** criticalCelsius when not given: the agent sheds load at or above it. */
  public static final int DEFAULT_CRITICAL_CELSIUS = Defaults.CRITICAL_CELSIUS;

  @JsonPropertyDescription(
      "At or above this SoC temperature (°C) a node leaves rotation until it has cooled below"
          + " resumeCelsius. The Pi 4 firmware starts throttling at 80 °C.")
  @Min(30)
  @Max(100)
  @Default("" + DEFAULT_DRAIN_CELSIUS)
  private Double drainCelsius = (double) DEFAULT_DRAIN_CELSIUS;

  @JsonPropertyDescription(
      "A drained node may serve again only below this temperature (°C); the gap to drainCelsius"
          + " stops a node from flapping in and out of rotation.")
  @Min(20)
  @Max(100)
  @Default("" + Defaults.RESUME_CELSIUS)
  private Double resumeCelsius = (double) Defaults.RESUME_CELSIUS;

  @JsonPropertyDescription(
      "At or above this temperature (°C) the agent sheds load by itself at once (lower connection"
          + " cap, 503 with Retry-After, not ready) without waiting for the operator.")
  @Min(30)
  @Max(110)
  @Default("" + DEFAULT_CRITICAL_CELSIUS)
  private Double criticalCelsius = (double) DEFAULT_CRITICAL_CELSIUS;

  @JsonPropertyDescription(
      "Treat a node whose firmware reports it is currently throttled (vcgencmd get_throttled bit"
          + " 2) as hot, whatever its temperature.")
  @Default("" + Defaults.TREAT_THROTTLED_AS_HOT)
  private Boolean treatThrottledAsHot = Defaults.TREAT_THROTTLED_AS_HOT;

  public Double getDrainCelsius() {
    return drainCelsius;
  }

  public void setDrainCelsius(Double drainCelsius) {
    this.drainCelsius = drainCelsius;
  }

  public Double getResumeCelsius() {
    return resumeCelsius;
  }

  public void setResumeCelsius(Double resumeCelsius) {
    this.resumeCelsius = resumeCelsius;
  }

  public Double getCriticalCelsius() {
    return criticalCelsius;
  }

  public void setCriticalCelsius(Double criticalCelsius) {
    this.criticalCelsius = criticalCelsius;
  }

  public Boolean getTreatThrottledAsHot() {
    return treatThrottledAsHot;
  }

  public void setTreatThrottledAsHot(Boolean treatThrottledAsHot) {
    this.treatThrottledAsHot = treatThrottledAsHot;
  }
}
