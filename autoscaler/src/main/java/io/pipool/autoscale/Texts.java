package io.pipool.autoscale;

import java.util.Locale;

/** Number formats for messages: "14,210" connections, "76.4 °C". */
final class Texts {

  private Texts() {}

  static String count(long n) {
    return String.format(Locale.US, "%,d", n);
  }

  /** A metric's value: connections as a whole count, rates with one decimal. */
  static String value(Metric metric, double v) {
    return metric == Metric.Connections
        ? count(Math.round(v))
        : v == Math.rint(v) ? count((long) v) : String.format(Locale.US, "%,.1f", v);
  }

  static String celsius(Double c) {
    return c == null ? "unknown temperature" : String.format(Locale.US, "%.1f °C", c);
  }

  static String plural(long n, String one, String many) {
    return count(n) + " " + (n == 1 ? one : many);
  }
}
