package io.pipool.api.agent;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One sysctl as an agent sees it.
 *
 * @param name dotted sysctl name, for example net.core.somaxconn
 * @param desired the value the pool asks for
 * @param actual the value the kernel holds now, null when it cannot be read
 * @param original the value before pi-pool first changed it, null when unknown
 * @param state whether the actual value matches the desired one
 * @param message detail when the state is not Applied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SysctlReport(
    String name, String desired, String actual, String original, State state, String message) {

  /** Whether a sysctl holds its desired value. */
  public enum State {
    Applied,
    Drifted,
    Missing,
    Unknown
  }
}
