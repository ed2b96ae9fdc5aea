package io.pipool.autoscale;

import java.util.Locale;

/** Number formats for messages: "14,210" connections, "76.4 °C". */
final class Texts {

  private Texts() {}

  static String count(long n) {
    return String.format(Locale.US, "%,d", n);
  }

  static String celsius(Double c) {
    return c == null ? "unknown temperature" : String.format(Locale.US, "%.1f °C", c);
  }

  static String plural(long n, String one, String many) {
    return count(n) + " " + (n == 1 ? one : many);
  }
}
