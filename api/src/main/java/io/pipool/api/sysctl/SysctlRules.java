package io.pipool.api.sysctl;

import io.pipool.api.v1alpha1.SysctlSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which sysctls pi-pool may set and which values they take; shared by the operator's spec
 * validation and the agent's privileged apply step so both refuse the same things.
 */
public final class SysctlRules {

  /** The built-in HighConcurrency profile: the kernel settings of the 4,000-connection Pi. */
  public static final Map<String, String> HIGH_CONCURRENCY =
      Collections.unmodifiableMap(
          new LinkedHashMap<>(
              Map.of(
                  "net.core.somaxconn", "4096",
                  "net.ipv4.tcp_max_syn_backlog", "4096",
                  "net.ipv4.ip_local_port_range", "1024 65535")));

  /** Human-readable description of the allowlist, used in error messages. */
  public static final String ALLOWED =
      "net.core.*, net.ipv4.tcp_*, net.ipv4.ip_local_port_range, net.ipv4.ip_forward,"
          + " net.netfilter.nf_conntrack_max, fs.file-max, fs.nr_open";

  private static final List<Pattern> ALLOWLIST =
      List.of(
          Pattern.compile("net\\.core\\.[a-z0-9_]+"),
          Pattern.compile("net\\.ipv4\\.tcp_[a-z0-9_]+"),
          Pattern.compile("net\\.ipv4\\.ip_local_port_range"),
          Pattern.compile("net\\.ipv4\\.ip_forward"),
          Pattern.compile("net\\.netfilter\\.nf_conntrack_max"),
          Pattern.compile("fs\\.file-max"),
          Pattern.compile("fs\\.nr_open"));

  private static final Pattern UNSIGNED = Pattern.compile("\\d{1,19}");
  private static final Pattern INTEGER_LIST = Pattern.compile("-?\\d{1,19}([ \\t]+-?\\d{1,19})*");

  private SysctlRules() {}

  /** True when pi-pool may write this sysctl. */
  public static boolean allowed(String name) {
    return name != null && ALLOWLIST.stream().anyMatch(p -> p.matcher(name).matches());
  }

  /**
   * Checks one name and value.
   *
   * @return empty when fine, otherwise a message naming the sysctl, the value and what is allowed
   */
  public static Optional<String> check(String name, String value) {
    if (!allowed(name)) {
      return Optional.of(
          "sysctl "
              + name
              + " is not allowed: only network and file-descriptor tunables may be set ("
              + ALLOWED
              + ")");
    }
    String v = value == null ? "" : value.trim();
    if (name.equals("net.ipv4.ip_local_port_range")) {
      return checkPortRange(name, v);
    }
    if (name.equals("net.ipv4.ip_forward")) {
      return v.equals("0") || v.equals("1")
          ? Optional.empty()
          : Optional.of("sysctl " + name + "=\"" + v + "\" is invalid: allowed values are 0 or 1");
    }
    if (name.equals("fs.nr_open")) {
      return checkRange(name, v, 1024, 1073741816L);
    }
    if (name.equals("fs.file-max")) {
      return checkRange(name, v, 1024, Long.MAX_VALUE);
    }
    if (UNSIGNED.matcher(v).matches() || INTEGER_LIST.matcher(v).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        "sysctl "
            + name
            + "=\""
            + v
            + "\" is invalid: allowed values are integers (several separated by spaces)");
  }

  /** The values the agent should hold: the profile's, overridden by the explicit values. */
  public static Map<String, String> desired(SysctlSpec spec) {
    Map<String, String> out = new LinkedHashMap<>();
    if (spec == null) {
      out.putAll(HIGH_CONCURRENCY);
      return out;
    }
    if (spec.getProfile() == null || spec.getProfile() == SysctlSpec.Profile.HighConcurrency) {
      out.putAll(HIGH_CONCURRENCY);
    }
    if (spec.getValues() != null) {
      spec.getValues().forEach((k, v) -> out.put(k, v == null ? "" : v.trim()));
    }
    return out;
  }

  /** Checks every entry, returning one message per problem. */
  public static List<String> checkAll(Map<String, String> values) {
    List<String> problems = new ArrayList<>();
    values.forEach((k, v) -> check(k, v).ifPresent(problems::add));
    return problems;
  }

  /** Normalises whitespace the way /proc/sys prints multi-value entries (tabs). */
  public static String normalise(String value) {
    return value == null ? null : value.trim().replaceAll("\\s+", " ");
  }

  private static Optional<String> checkRange(String name, String v, long min, long max) {
    if (UNSIGNED.matcher(v).matches()) {
      try {
        long n = Long.parseLong(v);
        if (n >= min && n <= max) {
          return Optional.empty();
        }
      } catch (NumberFormatException tooLarge) {
        // fall through to the message
      }
    }
    return Optional.of(
        "sysctl "
            + name
            + "=\""
            + v
            + "\" is invalid: allowed values are integers from "
            + min
            + " to "
            + max);
  }

  private static Optional<String> checkPortRange(String name, String v) {
    String[] parts = v.split("\\s+");
    if (parts.length == 2
        && UNSIGNED.matcher(parts[0]).matches()
        && UNSIGNED.matcher(parts[1]).matches()) {
      long low = Long.parseLong(parts[0]);
      long high = Long.parseLong(parts[1]);
      if (low >= 1 && low < high && high <= 65535) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "sysctl "
            + name
            + "=\""
            + v
            + "\" is invalid: allowed is two port numbers \"low high\" with 1 <= low < high <="
            + " 65535");
  }
}
