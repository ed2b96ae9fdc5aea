package io.pipool.simulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HistogramsTest {

  private static final String TEXT =
      """
      # TYPE pipool_operator_reconcile_duration_seconds histogram
      pipool_operator_reconcile_duration_seconds_bucket{namespace="default",pool="web",le="0.01",} 50.0
      pipool_operator_reconcile_duration_seconds_bucket{namespace="default",pool="web",le="0.1",} 98.0
      pipool_operator_reconcile_duration_seconds_bucket{namespace="default",pool="web",le="1.0",} 100.0
      pipool_operator_reconcile_duration_seconds_bucket{namespace="default",pool="web",le="+Inf",} 100.0
      pipool_operator_reconcile_duration_seconds_count{namespace="default",pool="web",} 100.0
      """;

  @ParameterizedTest
  @CsvSource({"0.5, 0.01", "0.9, 0.1", "0.99, 1.0"})
  void aQuantileIsTheUpperBoundOfItsBucket(double q, double bound) {
    assertThat(Histograms.quantileUpperBound(TEXT, "pipool_operator_reconcile_duration_seconds", q))
        .isEqualTo(bound);
  }

  @ParameterizedTest
  @CsvSource({"pipool_operator_other_seconds"})
  void aMissingHistogramHasNoQuantile(String name) {
    assertThat(Histograms.quantileUpperBound(TEXT, name, 0.5)).isNaN();
  }
}
