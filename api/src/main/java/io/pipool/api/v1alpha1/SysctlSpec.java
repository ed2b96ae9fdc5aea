package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.pipool.api.sysctl.SysctlCel;
import io.pipool.api.sysctl.SysctlRules;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kernel settings for each pool node; the rules mirror {@link SysctlRules}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = SysctlCel.NAMES,
    message = SysctlCel.NAMES_MESSAGE,
    messageExpression = SysctlCel.NAMES_MESSAGE_EXPRESSION,
    fieldPath = ".values")
@ValidationRule(
    value = SysctlCel.IP_FORWARD,
    message = SysctlCel.IP_FORWARD_MESSAGE,
    fieldPath = SysctlCel.FORWARD_PATH)
@ValidationRule(
    value = SysctlCel.NR_OPEN_RANGE,
    message = SysctlCel.NR_OPEN_MESSAGE,
    fieldPath = SysctlCel.NR_OPEN_PATH)
@ValidationRule(
    value = SysctlCel.FILE_MAX_RANGE,
    message = SysctlCel.FILE_MAX_MESSAGE,
    fieldPath = SysctlCel.FILE_MAX_PATH)
@ValidationRule(
    value = SysctlCel.PORT_RANGE,
    message = SysctlCel.PORT_RANGE_MESSAGE,
    fieldPath = SysctlCel.PORT_RANGE_PATH)
public class SysctlSpec {

  /** A built-in set of sysctls. */
  public enum Profile {
    HighConcurrency,
    None
  }

  @JsonPropertyDescription(
      "Built-in set of sysctls. HighConcurrency: net.core.somaxconn=4096,"
          + " net.ipv4.tcp_max_syn_backlog=4096, net.ipv4.ip_local_port_range=\"1024 65535\"."
          + " None: apply only what values lists.")
  @Default("HighConcurrency")
  private Profile profile = Profile.HighConcurrency;

  @JsonPropertyDescription(
      "Sysctls to set on top of the profile (a value here wins). Only network and file-descriptor"
          + " tunables are allowed: net.core.*, net.ipv4.tcp_*, net.ipv4.ip_local_port_range,"
          + " fs.file-max, fs.nr_open and a few more; kernel.* and vm.* are refused. Values are"
          + " integers separated by spaces (at most 64 characters; ip_local_port_range is"
          + " \"low high\"). At most 64 entries.")
  @Size(max = SysctlRules.MAX_VALUES)
  private Map<
          String,
          @Size(max = SysctlRules.MAX_VALUE_LENGTH) @Pattern(SysctlRules.VALUE_PATTERN) String>
      values = new LinkedHashMap<>();

  @JsonPropertyDescription(
      "When the pool is deleted, put back each node's original values (saved the first time they"
          + " were changed).")
  @Default("true")
  private Boolean restoreOnDelete = true;

  public Profile getProfile() {
    return profile;
  }

  public void setProfile(Profile profile) {
    this.profile = profile;
  }

  public Map<String, String> getValues() {
    return values;
  }

  public void setValues(Map<String, String> values) {
    this.values = values;
  }

  public Boolean getRestoreOnDelete() {
    return restoreOnDelete;
  }

  public void setRestoreOnDelete(Boolean restoreOnDelete) {
    this.restoreOnDelete = restoreOnDelete;
  }
}
