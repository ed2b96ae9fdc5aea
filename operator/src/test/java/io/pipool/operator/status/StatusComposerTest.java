package io.pipool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.PoolTotals;
import io.pipool.api.v1alpha1.Recommendation;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusComposerTest {

  private static NodeStatus node(String name, Long connections, Double celsius) {
    NodeStatus n = new NodeStatus();
    n.setName(name);
    n.setConnections(connections);
    n.setTemperatureCelsius(celsius);
    n.setRequestsPerSecond(connections == null ? null : connections / 10.0);
    return n;
  }

  @Test
  void totalsCountOnlyAnsweringAgentsAndNameTheHottestNode() {
    PoolTotals t =
        StatusComposer.totals(
            List.of(node("pi-1", 300L, 61.0), node("pi-2", 100L, 74.5), node("pi-3", null, 80.0)),
            2);
    assertThat(t.getNodes()).isEqualTo(3);
    assertThat(t.getReachableNodes()).isEqualTo(2);
    assertThat(t.getConnections()).isEqualTo(400);
    assertThat(t.getConnectionsPerServingNode()).isEqualTo(200);
    assertThat(t.getMaxTemperatureCelsius()).isEqualTo(80.0);
    assertThat(t.getHottestNode()).isEqualTo("pi-3");
  }

  @Test
  void aGrowingRecommendationHistoryAloneIsNotWorthAWrite() {
    PiServerPoolStatus a = new PiServerPoolStatus();
    a.setReplicas(2);
    PiServerPoolStatus b = StatusComposer.copy(a);
    b.getRecommendations().add(new Recommendation("2026-01-01T00:00:00Z", 2));
    assertThat(StatusComposer.differs(a, b)).isFalse();
    b.setReplicas(3);
    assertThat(StatusComposer.differs(a, b)).isTrue();
    assertThat(StatusComposer.differs(null, b)).isTrue();
  }
}
