package io.pipool.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.Recommendation;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.Memory;
import io.pipool.autoscale.NodeState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An operator restart resumes from status: node phases and recommendation history read back. */
class StatusMapperTest {

  private static NodeStatus node(String name, NodeStatus.Phase phase, String since) {
    NodeStatus n = new NodeStatus();
    n.setName(name);
    n.setPhase(phase);
    n.setPhaseSince(since);
    n.setReason("because");
    return n;
  }

  @Test
  void nodePhasesComeBackWithTheirSinceAndReason() {
    PiServerPoolStatus status = new PiServerPoolStatus();
    status.setNodes(
        List.of(
            node("pi-1", NodeStatus.Phase.Hot, "2026-01-01T00:00:00Z"),
            node("pi-2", NodeStatus.Phase.Serving, "not a time"),
            node(null, NodeStatus.Phase.Serving, null),
            node("pi-4", null, null)));

    assertThat(StatusMapper.previous(status))
        .containsExactly(
            new NodeState(
                "pi-1", NodeState.Phase.Hot, Instant.parse("2026-01-01T00:00:00Z"), "because"),
            new NodeState("pi-2", NodeState.Phase.Serving, null, "because"));
  }

  @ParameterizedTest(name = "time {0}, replicas {1} -> kept {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "2026-01-01T00:00:00Z, 3, true",
        "yesterday, 3, false",
        "null, 3, false",
        "2026-01-01T00:00:00Z, null, false"
      })
  void aRecommendationComesBackOnlyWhenItsTimeAndCountAreReadable(
      String time, Integer replicas, boolean kept) {
    Recommendation r = new Recommendation();
    r.setTime(time);
    r.setReplicas(replicas);
    PiServerPoolStatus status = new PiServerPoolStatus();
    status.setRecommendations(List.of(r));

    List<Decision.Recommendation> history = StatusMapper.history(status);

    if (kept) {
      assertThat(history).containsExactly(new Decision.Recommendation(Instant.parse(time), 3));
    } else {
      assertThat(history).isEmpty();
    }
  }

  @Test
  void aFreshPoolHasNoMemory() {
    assertThat(StatusMapper.previous(null)).isEmpty();
    assertThat(StatusMapper.history(new PiServerPoolStatus())).isEmpty();
    assertThat(StatusMapper.memory(null)).isEqualTo(Memory.EMPTY);
    assertThat(StatusMapper.memory(new PiServerPoolStatus()).desired()).isNull();
  }

  @Test
  void theLastDesiredCountComesBackAsTheSizeMissingDataHolds() {
    PiServerPoolStatus status = new PiServerPoolStatus();
    status.setDesiredReplicas(3);

    assertThat(StatusMapper.memory(status).desired()).isEqualTo(3);
  }
}
