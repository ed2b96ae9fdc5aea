package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.autoscale.PoolAutoscaler;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.metrics.OperatorMetrics;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.testing.Fixtures;
import io.prometheus.client.CollectorRegistry;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A failed reconcile shows in Ready=False on one line, whatever the error text held. */
class ReconcileErrorStatusTest {

  @Test
  void anErrorWithANewlineStaysOneLineInTheReadyCondition() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    PiServerPoolReconciler reconciler =
        PiServerPoolReconciler.create(
            null,
            OperatorConfig.fromEnv(Map.of()),
            clock,
            new OperatorMetrics(new CollectorRegistry()),
            new PoolAutoscaler(),
            null,
            new StopSignal(),
            new Leadership("op-test"));
    PiServerPool pool = Fixtures.stored("ns", "web");

    PiServerPool written =
        reconciler
            .updateErrorStatus(
                pool,
                null,
                new IllegalStateException("Invalid value: \"kernel.panic\nFAKE: line\" refused"))
            .getResource()
            .orElseThrow();

    assertThat(
            Conditions.find(written.getStatus().getConditions(), Conditions.READY)
                .orElseThrow()
                .getMessage())
        .isEqualTo("Invalid value: \"kernel.panic\\nFAKE: line\" refused");
  }
}
