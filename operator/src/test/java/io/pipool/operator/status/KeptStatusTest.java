package io.pipool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.Recommendation;
import io.pipool.operator.testing.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What an operator without observations publishes: the last decision, with only the pods updated.
 */
class KeptStatusTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  private static final String BEFORE = "2026-01-01T00:00:00Z";

  private static NodeStatus published(String name, NodeStatus.Phase phase, long connections) {
    NodeStatus n = new NodeStatus();
    n.setName(name);
    n.setPhase(phase);
    n.setPhaseSince(BEFORE);
    n.setReason(phase == NodeStatus.Phase.Serving ? "serving" : "eligible, not needed");
    n.setConnections(connections);
    n.setTemperatureCelsius(55.0);
    return n;
  }

  /** pi-1 and pi-2 serving, pi-3 standby, three desired: as the previous leader left it. */
  private static PiServerPool pool() {
    PiServerPool pool = Fixtures.stored("ns", "web");
    PiServerPoolStatus s = new PiServerPoolStatus();
    s.setDesiredReplicas(3);
    s.setReplicas(2);
    s.setLastScaleTime(BEFORE);
    s.setRecommendations(new ArrayList<>(List.of(new Recommendation(BEFORE, 3))));
    s.setNodes(
        new ArrayList<>(
            List.of(
                published("pi-1", NodeStatus.Phase.Serving, 140),
                published("pi-2", NodeStatus.Phase.Serving, 120),
                published("pi-3", NodeStatus.Phase.Standby, 0))));
    pool.setStatus(s);
    return pool;
  }

  private static Pod pod(String node, boolean running) {
    Pod p = Fixtures.agentPod("ns", "web", node, "127.0.0.9");
    if (!running) {
      p.getStatus().setPhase("Pending");
    }
    return p;
  }

  @ParameterizedTest(name = "{0} with its agent {1}: {2} ({3})")
  @CsvSource({
    // a node the previous leader decided on keeps its phase, reason and readings
    "pi-1, running, Serving, serving, 140",
    "pi-3, running, Standby, 'eligible, not needed', 0",
    // what the pods show is observed and brought up to date
    "pi-2, stopped, Pending, agent not running, -1",
    // a node the previous leader never saw is not made up
    "pi-4, running, Pending, not polled yet, -1",
  })
  void thePublishedDecisionStandsAndOnlyThePodsAreObserved(
      String node, String agent, NodeStatus.Phase phase, String reason, long connections) {
    Map<String, Pod> pods = new LinkedHashMap<>();
    for (String n : List.of("pi-1", "pi-2", "pi-3", "pi-4")) {
      pods.put(n, pod(n, !n.equals(node) || agent.equals("running")));
    }

    PiServerPoolStatus s =
        KeptStatus.awaiting(pool(), null, pods, Set.of("pi-1", "pi-2"), false, "why", NOW);

    assertThat(s.getDesiredReplicas()).isEqualTo(3);
    assertThat(s.getReplicas()).isEqualTo(2);
    assertThat(s.getLastScaleTime()).isEqualTo(BEFORE);
    assertThat(s.getRecommendations()).extracting(Recommendation::getReplicas).containsExactly(3);
    assertThat(s.getNodes())
        .extracting(NodeStatus::getName)
        .containsExactly("pi-1", "pi-2", "pi-3", "pi-4");
    NodeStatus n =
        s.getNodes().stream().filter(x -> x.getName().equals(node)).findFirst().orElseThrow();
    assertThat(n.getPhase()).isEqualTo(phase);
    assertThat(n.getReason()).isEqualTo(reason);
    assertThat(n.getConnections()).isEqualTo(connections < 0 ? null : connections);
    assertThat(n.getPhaseSince())
        .isEqualTo(phase == NodeStatus.Phase.Pending ? NOW.toString() : BEFORE);
    var active = Conditions.find(s.getConditions(), Conditions.SCALING_ACTIVE).orElseThrow();
    assertThat(active.getStatus()).isEqualTo("Unknown");
    assertThat(active.getReason()).isEqualTo(KeptStatus.STALE);
    assertThat(active.getMessage()).isEqualTo("why");
  }
}
