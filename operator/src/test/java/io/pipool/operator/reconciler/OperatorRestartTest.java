package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.testing.FakeAgents;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An operator that starts (a restart, or a replica taking the lease) over a pool another one
 * decided: until an agent answers it, the published decision stands (desired count, serving set,
 * node phases, recommendations) and the status says the data is stale; then it decides as usual.
 */
@EnableKubernetesMockClient(crud = true)
class OperatorRestartTest {

  static KubernetesClient client;
  static KubernetesMockServer server;

  private static final String[] NODES = {"pi-1", "pi-2", "pi-3"};

  /** What the agents do while the new operator starts. */
  enum Agents {
    /** Every agent answers 503: polls fail. */
    FAILING,
    /** Every agent answers after the poll timeout: no poll completes with an answer. */
    SLOW,
    /** The agents are fine: the first poll answers at once. */
    ANSWERING
  }

  private static PiPoolOperator operator() {
    return PiPoolOperator.start(client, OperatorHarness.config(Map.of()), Clock.systemUTC());
  }

  private static PiServerPool pool(String ns) {
    return client.resources(PiServerPool.class).inNamespace(ns).withName("web").get();
  }

  private static Set<String> serving(String ns) {
    return client.pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> "true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL)))
        .map(p -> p.getSpec().getNodeName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static NodeStatus.Phase phase(PiServerPool p, String node) {
    return p.getStatus().getNodes().stream()
        .filter(n -> node.equals(n.getName()))
        .map(NodeStatus::getPhase)
        .findFirst()
        .orElse(null);
  }

  private static List<String> recommendations(PiServerPool p) {
    return p.getStatus().getRecommendations().stream()
        .map(r -> r.getTime() + " " + r.getReplicas())
        .toList();
  }

  private static Condition scalingActive(PiServerPool p) {
    return Conditions.find(p.getStatus().getConditions(), Conditions.SCALING_ACTIVE).orElseThrow();
  }

  private static long warnings(String ns) {
    return client.events().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> "Warning".equals(e.getType()))
        .count();
  }

  @ParameterizedTest(name = "agents {0} after the restart: stale reason {1}")
  @CsvSource({"FAILING, StaleObservations", "SLOW, StaleObservations", "ANSWERING, -"})
  void aStartedOperatorKeepsThePublishedDecisionUntilAnAgentAnswers(
      Agents after, String staleReason) {
    String ns = "restart-" + after.name().toLowerCase();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .endMetadata()
                .build())
        .create();
    int octet = 70 + 3 * after.ordinal();
    try (FakeAgents agents = FakeAgents.start(octet, NODES)) {
      // 150 connections at 100 per node: two nodes serve, the coolest two
      agents.answer("pi-1", Fixtures.status("pi-1", 150, 50, false));
      agents.answer("pi-2", Fixtures.status("pi-2", 0, 52, false));
      agents.answer("pi-3", Fixtures.status("pi-3", 0, 54, false));
      PiServerPool spec = Fixtures.pool(ns, "web");
      spec.getSpec().getServer().setAdminPort(agents.port());
      var a = spec.getSpec().getAutoscaling();
      a.setEnabled(true);
      a.setMinReplicas(1);
      a.setTargetConnectionsPerReplica(100);
      a.setPollIntervalSeconds(1);
      ScalingRules down = new ScalingRules();
      down.setStabilizationWindowSeconds(600);
      a.setScaleDown(down);
      client.resource(spec).create();
      for (String node : NODES) {
        client.resource(Fixtures.agentPod(ns, "web", node, agents.ip(node))).create();
      }

      PiPoolOperator first = operator();
      try {
        eventually("two nodes serving and published")
            .until(
                () -> pool(ns),
                p ->
                    p != null
                        && p.getStatus() != null
                        && Integer.valueOf(2).equals(p.getStatus().getDesiredReplicas())
                        && phase(p, "pi-1") == NodeStatus.Phase.Serving
                        && phase(p, "pi-2") == NodeStatus.Phase.Serving
                        && phase(p, "pi-3") == NodeStatus.Phase.Standby
                        && serving(ns).equals(Set.of("pi-1", "pi-2")));
      } finally {
        first.stop();
      }
      List<String> recommendations = recommendations(pool(ns));
      long warningsBefore = warnings(ns);
      for (String node : NODES) {
        switch (after) {
          case FAILING -> agents.script(node, new FakeAgents.Error(503));
          case SLOW ->
              agents.script(
                  node,
                  new FakeAgents.Slow(
                      5 * OperatorHarness.POLL_TIMEOUT.toMillis(),
                      Fixtures.status(node, 150, 50, false)));
          case ANSWERING -> {}
        }
      }

      PiPoolOperator second = operator();
      try {
        // three poll intervals of the new operator, each poll failing or timing out
        eventually("the published decision holding after the restart")
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  PiServerPool p = pool(ns);
                  String seen = Serialization.asYaml(p.getStatus());
                  assertThat(p.getStatus().getDesiredReplicas()).as(seen).isEqualTo(2);
                  assertThat(serving(ns)).as(seen).isEqualTo(Set.of("pi-1", "pi-2"));
                  assertThat(phase(p, "pi-1")).as(seen).isEqualTo(NodeStatus.Phase.Serving);
                  assertThat(phase(p, "pi-2")).as(seen).isEqualTo(NodeStatus.Phase.Serving);
                  assertThat(phase(p, "pi-3")).as(seen).isEqualTo(NodeStatus.Phase.Standby);
                  if (after != Agents.ANSWERING) {
                    // a decision on fresh data may refresh the newest recommendation's time
                    assertThat(recommendations(p)).as(seen).isEqualTo(recommendations);
                  }
                  assertThat(warnings(ns)).as("Warning events").isEqualTo(warningsBefore);
                });
        if (!"-".equals(staleReason)) {
          // the window above may pass before the new operator's first write on a loaded machine:
          // wait for the condition itself, not for the window
          eventually("ScalingActive saying the data is stale")
              .untilAsserted(
                  () -> {
                    Condition c = scalingActive(pool(ns));
                    assertThat(c.getStatus()).isEqualTo("Unknown");
                    assertThat(c.getReason()).isEqualTo(staleReason);
                    assertThat(c.getMessage())
                        .contains("keeping the published decision (2 desired");
                  });
          assertThat(pool(ns).getStatus().getDesiredReplicas()).isEqualTo(2);
          assertThat(serving(ns)).isEqualTo(Set.of("pi-1", "pi-2"));
        }

        for (String node : NODES) {
          agents.answer(node, Fixtures.status(node, "pi-1".equals(node) ? 150 : 0, 50, false));
        }
        eventually("the new operator deciding on fresh data")
            .until(() -> "ValidMetricFound".equals(scalingActive(pool(ns)).getReason()));
        assertThat(pool(ns).getStatus().getDesiredReplicas()).isEqualTo(2);
      } finally {
        second.stop();
      }
    }
  }
}
