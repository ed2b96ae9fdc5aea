package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kernel settings for each pool node. */
@JsonInclude(JsonInclude.Include.NON_NULL)
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
          + " fs.file-max, fs.nr_open and a few more; kernel.* and vm.* are refused.")
  private Map<String, String> values = new LinkedHashMap<>();

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
