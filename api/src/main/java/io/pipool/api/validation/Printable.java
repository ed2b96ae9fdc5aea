package io.pipool.api.validation;

/**
 * Makes user-supplied text safe to print in one line of a status message, an Event or a log: a
 * newline or other control character in a sysctl name must not split the line it is printed in.
 */
public final class Printable {

  private Printable() {}

  /**
   * The text with backslashes and control characters escaped Java-style: a newline becomes
   * backslash-n, a BEL backslash-u0007.
   */
  public static String escape(String text) {
    return escape(text, false);
  }

  /** The text escaped as by {@link #escape(String)}, its quotes too, in double quotes. */
  public static String quote(String text) {
    return text == null ? "(unset)" : "\"" + escape(text, true) + "\"";
  }

  private static String escape(String text, boolean quotes) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append(quotes ? "\\\"" : "\"");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
