package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.testing.FakeAgents;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, bug 2: the label says serving, the agent says Standby (its pod watch never synced). The
 * pool must not claim the node serves, nor be Ready, until the agent says it serves.
 */
@EnableKubernetesMockClient(crud = true)
class AgentDisagreementTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(client, server, Map.of());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static AgentStatus saying(AgentStatus.ServingMode mode, String why) {
    AgentStatus s = Fixtures.status("pi-1", 0, 50, false);
    return new AgentStatus(
        s.node(),
        s.pod(),
        s.version(),
        mode,
        why,
        s.uptimeSeconds(),
        s.connections(),
        s.requestsPerSecond(),
        s.requestsTotal(),
        s.thermal(),
        s.sysctls(),
        s.timestamp());
  }

  private static NodeStatus pi1(PiServerPool p) {
    return p == null || p.getStatus() == null
        ? null
        : p.getStatus().getNodes().stream()
            .filter(n -> "pi-1".equals(n.getName()))
            .findFirst()
            .orElse(null);
  }

  private static Condition ready(PiServerPool p) {
    return Conditions.find(p.getStatus().getConditions(), Conditions.READY).orElse(null);
  }

  @Test
  void aNodeIsServingOnlyWhenItsAgentSaysSo() {
    String ns = "disagree";
    try (FakeAgents agents = FakeAgents.start(80, "pi-1")) {
      agents.answer(
          "pi-1",
          saying(AgentStatus.ServingMode.Standby, "waiting for the pod watch to list this pod"));
      harness.namespace(ns);
      PiServerPool pool = Fixtures.pool(ns, "web");
      pool.getSpec().getServer().setAdminPort(agents.port());
      pool.getSpec().getAutoscaling().setPollIntervalSeconds(1);
      client.resource(pool).create();
      client.resource(Fixtures.agentPod(ns, "web", "pi-1", agents.ip("pi-1"))).create();

      // each look steps the clock a poll interval: a first poll answering late under load is
      // followed by another, not by none
      PiServerPool seen =
          harness.polledUntil(
              "pi-1 labelled serving but shown as not confirmed by its agent",
              () -> harness.get(ns, "web"),
              p ->
                  "true".equals(harness.servingLabel(ns, "web-agent-pi-1"))
                      && pi1(p) != null
                      && "Unconfirmed".equals(String.valueOf(pi1(p).getPhase()))
                      && ready(p) != null
                      && "False".equals(ready(p).getStatus()));
      assertThat(pi1(seen).getReason())
          .isEqualTo(
              "labelled serving, but its agent says Standby (waiting for the pod watch to list"
                  + " this pod)");
      assertThat(ready(seen).getReason()).isEqualTo("AgentsUnconfirmed");
      assertThat(ready(seen).getMessage())
          .isEqualTo(
              "1 of 1 nodes labelled serving do not serve: pi-1 its agent says Standby (waiting"
                  + " for the pod watch to list this pod)");

      agents.answer("pi-1", saying(AgentStatus.ServingMode.Serving, "labelled serving"));
      harness.polledUntil(
          "pi-1 Serving and the pool Ready once the agent agrees",
          () -> harness.get(ns, "web"),
          p ->
              pi1(p) != null
                  && pi1(p).getPhase() == NodeStatus.Phase.Serving
                  && "True".equals(ready(p).getStatus()));
    }
  }
}
