package io.pipool.api.sysctl;

import io.pipool.api.v1alpha1.SysctlSpec;
import io.pipool.api.validation.Printable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
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

  /** The sysctl that takes two port numbers. */
  public static final String PORT_RANGE = "net.ipv4.ip_local_port_range";

  /**
   * The ports the kernel never hands out as ephemeral ports (comma-separated ports and ranges). Not
   * a pool value: the agent adds its own ports to it when the range it writes covers them.
   */
  public static final String RESERVED_PORTS = "net.ipv4.ip_local_reserved_ports";

  /** Linux's default ephemeral port range, where a pool does not set its own. */
  public static final int KERNEL_EPHEMERAL_LOW = 32768;

  /** The top of Linux's default ephemeral port range. */
  public static final int KERNEL_EPHEMERAL_HIGH = 60999;

  /** The sysctl that takes 0 or 1. */
  public static final String IP_FORWARD = "net.ipv4.ip_forward";

  /** The sysctl bounded by the kernel's NR_OPEN limit. */
  public static final String NR_OPEN = "fs.nr_open";

  /** The system-wide open-file limit. */
  public static final String FILE_MAX = "fs.file-max";

  /*
   * The patterns below are written for both java.util.regex and RE2 (the CRD's CEL rules and
   * schema patterns use the same text), so the API server, the operator and the agent refuse the
   * same names and values. No backslashes in NAME_PATTERN: it is embedded in CEL string literals.
   */

  /** Every sysctl name pi-pool may write. */
  public static final String NAME_PATTERN =
      "^(net[.]core[.][a-z0-9_]+|net[.]ipv4[.]tcp_[a-z0-9_]+|net[.]ipv4[.]ip_local_port_range"
          + "|net[.]ipv4[.]ip_forward|net[.]netfilter[.]nf_conntrack_max|fs[.]file-max"
          + "|fs[.]nr_open)$";

  /** Every value: integers separated by spaces or tabs; no newlines or other characters. */
  public static final String VALUE_PATTERN = "^[ \\t]*-?[0-9]{1,19}([ \\t]+-?[0-9]{1,19})*[ \\t]*$";

  /** The longest value accepted (three 19-digit numbers and their separators fit). */
  public static final int MAX_VALUE_LENGTH = 64;

  /** The most sysctls one pool may set; bounds the cost of the CRD's CEL rules. */
  public static final int MAX_VALUES = 64;

  /** What {@link #VALUE_PATTERN} accepts, in words. */
  public static final String INTEGERS = "integers (several separated by spaces)";

  /** What net.ipv4.ip_forward accepts. */
  public static final String ZERO_OR_ONE = "0 or 1";

  /** What net.ipv4.ip_local_port_range accepts. */
  public static final String PORTS = "two port numbers \"low high\" with 1 <= low < high <= 65535";

  /** The largest fs.nr_open the kernel accepts (NR_OPEN on 64-bit). */
  public static final long NR_OPEN_MAX = 1073741816L;

  /** The smallest fs.nr_open and fs.file-max pi-pool writes. */
  public static final long MIN_FILES = 1024;

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
  private static final Pattern VALUE = Pattern.compile(VALUE_PATTERN);
  private static final Pattern UNSIGNED = Pattern.compile("[ \\t]*[0-9]{1,19}[ \\t]*");
  private static final Pattern ZERO_OR_ONE_VALUE = Pattern.compile("[ \\t]*[01][ \\t]*");
  private static final Pattern TWO_PORTS =
      Pattern.compile("[ \\t]*[0-9]{1,5}[ \\t]+[0-9]{1,5}[ \\t]*");

  private SysctlRules() {}

  /** True when pi-pool may write this sysctl. */
  public static boolean allowed(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Checks one name and value.
   *
   * @return empty when fine, otherwise a one-line message naming the sysctl, the value and what is
   *     allowed
   */
  public static Optional<String> check(String name, String value) {
    if (!allowed(name)) {
      return Optional.of(
          "sysctl " + Printable.quote(name) + " is not allowed; allowed: " + ALLOWED);
    }
    return valueProblem(name, value)
        .map(
            allowed ->
                "sysctl "
                    + name
                    + "="
                    + Printable.quote(value)
                    + " is invalid; allowed: "
                    + allowed);
  }

  /**
   * What {@code name} (an allowed name) may hold, when {@code value} is not that.
   *
   * @return empty when the value is fine
   */
  public static Optional<String> valueProblem(String name, String value) {
    String v = value == null ? "" : value;
    if (v.length() > MAX_VALUE_LENGTH) {
      return Optional.of(allowedFor(name) + ", at most " + MAX_VALUE_LENGTH + " characters");
    }
    boolean fine =
        switch (name) {
          case PORT_RANGE -> isPortRange(v);
          case IP_FORWARD -> ZERO_OR_ONE_VALUE.matcher(v).matches();
          case NR_OPEN -> inRange(v, NR_OPEN_MAX);
          case FILE_MAX -> inRange(v, Long.MAX_VALUE);
          default -> VALUE.matcher(v).matches();
        };
    return fine ? Optional.empty() : Optional.of(allowedFor(name));
  }

  /** What {@code name} accepts, in words. */
  public static String allowedFor(String name) {
    return switch (name) {
      case PORT_RANGE -> PORTS;
      case IP_FORWARD -> ZERO_OR_ONE;
      case NR_OPEN -> "integers from " + MIN_FILES + " to " + NR_OPEN_MAX;
      case FILE_MAX -> "integers from " + MIN_FILES + " to " + Long.MAX_VALUE;
      default -> INTEGERS;
    };
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

  /**
   * The ports of {@code ports} that the ephemeral range in {@code desired} would cover (none when
   * {@code desired} does not set the range): the kernel could hand them to an outgoing connection
   * before the agent listens on them.
   */
  public static SortedSet<Integer> coveredPorts(
      Map<String, String> desired, Collection<Integer> ports) {
    SortedSet<Integer> covered = new TreeSet<>();
    String range = desired.get(PORT_RANGE);
    if (range == null || !isPortRange(range)) {
      return covered;
    }
    String[] parts = range.trim().split("[ \\t]+");
    int low = Integer.parseInt(parts[0]);
    int high = Integer.parseInt(parts[1]);
    for (Integer p : ports) {
      if (p != null && p >= low && p <= high) {
        covered.add(p);
      }
    }
    return covered;
  }

  /**
   * {@code current} (the kernel's list, such as "8080,9090-9092", or empty) with {@code add}
   * reserved too, in the form the kernel prints: ascending, runs joined as "low-high".
   */
  public static String withReservedPorts(String current, Collection<Integer> add) {
    SortedSet<Integer> all = new TreeSet<>(add);
    String c = current == null ? "" : current.trim();
    if (!c.isEmpty()) {
      for (String part : c.split(",")) {
        String[] ends = part.trim().split("-");
        int from = Integer.parseInt(ends[0].trim());
        int to = Integer.parseInt(ends[ends.length - 1].trim());
        for (int p = from; p <= to; p++) {
          all.add(p);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int p : all) {
      if (prev != null && p == prev + 1) {
        prev = p;
        continue;
      }
      appendRun(out, start, prev);
      start = p;
      prev = p;
    }
    appendRun(out, start, prev);
    return out.toString();
  }

  private static void appendRun(StringBuilder out, Integer start, Integer end) {
    if (start == null) {
      return;
    }
    if (out.length() > 0) {
      out.append(',');
    }
    out.append(start);
    if (!end.equals(start)) {
      out.append('-').append(end);
    }
  }

  private static boolean inRange(String v, long max) {
    if (!UNSIGNED.matcher(v).matches()) {
      return false;
    }
    try {
      long n = Long.parseLong(v.trim());
      return n >= MIN_FILES && n <= max;
    } catch (NumberFormatException tooLarge) {
      return false;
    }
  }

  private static boolean isPortRange(String v) {
    if (!TWO_PORTS.matcher(v).matches()) {
      return false;
    }
    String[] parts = v.trim().split("[ \\t]+");
    int low = Integer.parseInt(parts[0]);
    int high = Integer.parseInt(parts[1]);
    return low >= 1 && low < high && high <= 65535;
  }
}
