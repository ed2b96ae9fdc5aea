package io.pipool.api.sysctl;

/**
 * The CRD's CEL rules for {@code spec.sysctls.values}, built from the patterns in {@link
 * SysctlRules} so that the API server refuses what the operator and the agent refuse. Each rule
 * sits on the sysctls object ({@code self}) and points at the offending entry with its fieldPath. A
 * messageExpression never prints a name or value holding a control character (the API server would
 * drop a message with a line break); API servers before 1.27 show the static message.
 *
 * <p>Only standard CEL and the string extension (version 0: trim, split, replace, substring,
 * lastIndexOf) of the Kubernetes base environment are used, so the rules compile from 1.25 on.
 * Every value already matches {@link SysctlRules#VALUE_PATTERN} (a schema pattern), so the rules
 * here are the per-name ranges. Constants, not methods: annotation values must be constants.
 */
public final class SysctlCel {

  private static final String PRINTABLE = "'^[ -~]{1,64}$'";
  private static final String NAME_OK = "k.matches('" + SysctlRules.NAME_PATTERN + "')";

  /** Every name is on the allowlist (this also refuses '/', '..', spaces and newlines). */
  public static final String NAMES = "!has(self.values) || self.values.all(k, " + NAME_OK + ")";

  /** Static message for {@link #NAMES}. */
  public static final String NAMES_MESSAGE =
      "sysctl names allowed: "
          + SysctlRules.ALLOWED
          + " (kernel.*, vm.* and names with '/', spaces or control characters are refused)";

  /** Names the first refused key, unless printing it would break the line. */
  public static final String NAMES_MESSAGE_EXPRESSION =
      "'sysctl ' + self.values.filter(k, !"
          + NAME_OK
          + ").map(k, k.matches("
          + PRINTABLE
          + ") ? '\"' + k + '\"' : 'name with control characters or over 64 characters')[0]"
          + " + ' is not allowed; allowed: "
          + SysctlRules.ALLOWED
          + "'";

  private static final String FORWARD = "self.values['" + SysctlRules.IP_FORWARD + "']";
  private static final String NR_OPEN = "self.values['" + SysctlRules.NR_OPEN + "']";
  private static final String FILE_MAX = "self.values['" + SysctlRules.FILE_MAX + "']";
  private static final String PORTS = "self.values['" + SysctlRules.PORT_RANGE + "']";
  private static final String NO_VALUES = "!has(self.values) || !('";
  private static final String NOT_SET = "' in self.values) || ";

  /** fieldPath of the net.ipv4.ip_forward entry. */
  public static final String FORWARD_PATH = ".values['" + SysctlRules.IP_FORWARD + "']";

  /** net.ipv4.ip_forward is 0 or 1. */
  public static final String IP_FORWARD =
      NO_VALUES
          + SysctlRules.IP_FORWARD
          + NOT_SET
          + FORWARD
          + ".matches('^[ \\\\t]*[01][ \\\\t]*$')";

  /** Message for {@link #IP_FORWARD}. */
  public static final String IP_FORWARD_MESSAGE =
      SysctlRules.IP_FORWARD + " is invalid; allowed: " + SysctlRules.ZERO_OR_ONE;

  /** fieldPath of the fs.nr_open entry. */
  public static final String NR_OPEN_PATH = ".values['" + SysctlRules.NR_OPEN + "']";

  /* An unsigned integer of at most 19 digits that fits in 64 bits, so int() cannot fail. */
  private static final String UNSIGNED = ".matches('^[ \\\\t]*[0-9]{1,19}[ \\\\t]*$') && (size(";
  private static final String FITS = ".trim()) < 19 || ";
  private static final String MAX_64 = ".trim() <= '9223372036854775807') && int(";

  /** fs.nr_open is an integer the kernel accepts (read as SysctlRules reads it). */
  public static final String NR_OPEN_RANGE =
      NO_VALUES
          + SysctlRules.NR_OPEN
          + NOT_SET
          + "("
          + NR_OPEN
          + UNSIGNED
          + NR_OPEN
          + FITS
          + NR_OPEN
          + MAX_64
          + NR_OPEN
          + ".trim()) >= "
          + SysctlRules.MIN_FILES
          + " && int("
          + NR_OPEN
          + ".trim()) <= "
          + SysctlRules.NR_OPEN_MAX
          + ")";

  /** Message for {@link #NR_OPEN_RANGE}. */
  public static final String NR_OPEN_MESSAGE =
      SysctlRules.NR_OPEN
          + " is invalid; allowed: integers from "
          + SysctlRules.MIN_FILES
          + " to "
          + SysctlRules.NR_OPEN_MAX;

  /** fieldPath of the fs.file-max entry. */
  public static final String FILE_MAX_PATH = ".values['" + SysctlRules.FILE_MAX + "']";

  /** fs.file-max is an integer from 1024 that fits in 64 bits. */
  public static final String FILE_MAX_RANGE =
      NO_VALUES
          + SysctlRules.FILE_MAX
          + NOT_SET
          + "("
          + FILE_MAX
          + UNSIGNED
          + FILE_MAX
          + FITS
          + FILE_MAX
          + MAX_64
          + FILE_MAX
          + ".trim()) >= "
          + SysctlRules.MIN_FILES
          + ")";

  /** Message for {@link #FILE_MAX_RANGE}. */
  public static final String FILE_MAX_MESSAGE =
      SysctlRules.FILE_MAX
          + " is invalid; allowed: integers from "
          + SysctlRules.MIN_FILES
          + " to "
          + Long.MAX_VALUE;

  private static final String PORTS_TRIMMED = PORTS + ".trim().replace('\\t', ' ')";
  private static final String LOW = "int(" + PORTS_TRIMMED + ".split(' ')[0])";
  private static final String HIGH =
      "int(" + PORTS_TRIMMED + ".substring(" + PORTS_TRIMMED + ".lastIndexOf(' ') + 1))";

  /** fieldPath of the net.ipv4.ip_local_port_range entry. */
  public static final String PORT_RANGE_PATH = ".values['" + SysctlRules.PORT_RANGE + "']";

  /** net.ipv4.ip_local_port_range is "low high" with 1 <= low < high <= 65535. */
  public static final String PORT_RANGE =
      NO_VALUES
          + SysctlRules.PORT_RANGE
          + NOT_SET
          + "("
          + PORTS
          + ".matches('^[ \\\\t]*[0-9]{1,5}[ \\\\t]+[0-9]{1,5}[ \\\\t]*$') && "
          + LOW
          + " >= 1 && "
          + LOW
          + " < "
          + HIGH
          + " && "
          + HIGH
          + " <= 65535)";

  /** Message for {@link #PORT_RANGE}. */
  public static final String PORT_RANGE_MESSAGE =
      SysctlRules.PORT_RANGE + " is invalid; allowed: " + SysctlRules.PORTS;

  private SysctlCel() {}
}
