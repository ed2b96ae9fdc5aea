package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The firmware's throttle flags, now and since boot. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Throttling {

  @JsonPropertyDescription("Raw vcgencmd get_throttled value, for example 0x50005.")
  private String raw;

  @JsonPropertyDescription("Under-voltage now (bit 0): check the power supply.")
  private Boolean underVoltage;

  @JsonPropertyDescription("ARM frequency capped now (bit 1).")
  private Boolean frequencyCapped;

  @JsonPropertyDescription("Currently throttled (bit 2).")
  private Boolean throttled;

  @JsonPropertyDescription("Soft temperature limit active now (bit 3).")
  private Boolean softTemperatureLimit;

  @JsonPropertyDescription("Any of the four conditions has occurred since boot (bits 16-19).")
  private Boolean occurredSinceBoot;

  public String getRaw() {
    return raw;
  }

  public void setRaw(String raw) {
    this.raw = raw;
  }

  public Boolean getUnderVoltage() {
    return underVoltage;
  }

  public void setUnderVoltage(Boolean underVoltage) {
    this.underVoltage = underVoltage;
  }

  public Boolean getFrequencyCapped() {
    return frequencyCapped;
  }

  public void setFrequencyCapped(Boolean frequencyCapped) {
    this.frequencyCapped = frequencyCapped;
  }

  public Boolean getThrottled() {
    return throttled;
  }

  public void setThrottled(Boolean throttled) {
    this.throttled = throttled;
  }

  public Boolean getSoftTemperatureLimit() {
    return softTemperatureLimit;
  }

  public void setSoftTemperatureLimit(Boolean softTemperatureLimit) {
    this.softTemperatureLimit = softTemperatureLimit;
  }

  public Boolean getOccurredSinceBoot() {
    return occurredSinceBoot;
  }

  public void setOccurredSinceBoot(Boolean occurredSinceBoot) {
    this.occurredSinceBoot = occurredSinceBoot;
  }
}
