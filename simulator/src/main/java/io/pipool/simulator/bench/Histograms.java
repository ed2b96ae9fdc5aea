package io.pipool.simulator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Percentiles from a Prometheus histogram's cumulative buckets (bucket resolution only). */
final class Histograms {

  private static final Pattern BUCKET = Pattern.compile("le=\"([^\"]+)\"[^}]*}\\s+([0-9.eE+-]+)");

  private Histograms() {}

  /**
   * The upper bound of the bucket holding quantile {@code q} of metric {@code name}, summed over
   * its label sets; NaN without observations.
   */
  static double quantileUpperBound(String prometheusText, String name, double q) {
    List<double[]> buckets = new ArrayList<>();
    for (String line : prometheusText.split("\n")) {
      if (!line.startsWith(name + "_bucket{")) {
        continue;
      }
      Matcher m = BUCKET.matcher(line);
      if (m.find()) {
        double le =
            m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
        double count = Double.parseDouble(m.group(2));
        boolean merged = false;
        for (double[] b : buckets) {
          if (b[0] == le) {
            b[1] += count;
            merged = true;
          }
        }
        if (!merged) {
          buckets.add(new double[] {le, count});
        }
      }
    }
    buckets.sort((a, b) -> Double.compare(a[0], b[0]));
    if (buckets.isEmpty() || buckets.get(buckets.size() - 1)[1] == 0) {
      return Double.NaN;
    }
    double total = buckets.get(buckets.size() - 1)[1];
    for (double[] b : buckets) {
      if (b[1] >= q * total) {
        return b[0];
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
