package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.cluster.DaemonSetController;
import io.pipool.simulator.cluster.PodFacts;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.SimNode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The simulated DaemonSet controller and kubelet on their own, without the operator: an agent
 * DaemonSet gets one running, ready agent per node; a template change replaces them one node at a
 * time; deleting the DaemonSet takes its pods and stops their agents.
 */
class DaemonSetRolloutE2ETest {

  private static final String NS = "default";

  private static String agentYaml(int port, int admin) {
    return """
        server: {port: %d, adminPort: %d}
        sysctls: {values: {net.core.somaxconn: "4096"}}
        serving: {watchPod: false, initial: Serving}
        """
        .formatted(port, admin);
  }

  private static DaemonSet daemonSet(String revisionNote) {
    return new DaemonSetBuilder()
        .withNewMetadata()
        .withName("plain-agent")
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withNewSelector()
        .addToMatchLabels("app", "plain-agent")
        .endSelector()
        .withNewUpdateStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(1))
        .endRollingUpdate()
        .endUpdateStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "plain-agent")
        .addToAnnotations("note", revisionNote)
        .endMetadata()
        .withNewSpec()
        .withHostNetwork(true)
        .addNewContainer()
        .withName("agent")
        .withArgs("serve", "--config", "/etc/pi-pool/agent.yaml")
        .addNewVolumeMount()
        .withName("config")
        .withMountPath("/etc/pi-pool")
        .endVolumeMount()
        .withNewReadinessProbe()
        .withPeriodSeconds(1)
        .withNewHttpGet()
        .withPath("/readyz")
        .withPort(new IntOrString("admin"))
        .endHttpGet()
        .endReadinessProbe()
        .endContainer()
        .addNewVolume()
        .withName("config")
        .withNewConfigMap()
        .withName("plain-agent")
        .endConfigMap()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  @Test
  void oneAgentPerNodeRolledOneNodeAtATimeAndCollectedWithItsDaemonSet() throws Exception {
    try (Simulator sim = Simulator.start(SimulatorConfig.embedded(3, 1), Clock.systemUTC())) {
      KubernetesClient client = sim.client();
      List<Integer> ports =
          FreePorts.pick(sim.nodes().values().stream().map(SimNode::address).toList(), 2);
      client
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("plain-agent")
                  .withNamespace(NS)
                  .endMetadata()
                  .withData(Map.of("agent.yaml", agentYaml(ports.get(0), ports.get(1))))
                  .build())
          .create();
      client.resource(daemonSet("first")).create();
      await("three ready agents, one per node")
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(readyPods(client) == 3 && nodesCovered(client) == 3)
                      .as(() -> describe(client))
                      .isTrue());
      assertThat(pods(client))
          .allSatisfy(
              p ->
                  assertThat(p.getStatus().getPodIP())
                      .isEqualTo(sim.nodes().get(p.getSpec().getNodeName()).address()));
      String oldRevision = revision(pods(client).get(0));

      AtomicInteger worstUnavailable = new AtomicInteger();
      // a merge patch without resourceVersion, as kubectl patch sends: no conflict with the
      // controller's concurrent status writes
      client
          .apps()
          .daemonSets()
          .inNamespace(NS)
          .withName("plain-agent")
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"note\":\"second\"}}}}}");
      await("every pod replaced by the new template and ready")
          .atMost(Duration.ofSeconds(90))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                List<Pod> now = pods(client);
                long ready =
                    now.stream().filter(p -> PodFacts.ready(p) && !PodFacts.terminating(p)).count();
                worstUnavailable.accumulateAndGet((int) (3 - ready), Math::max);
                assertThat(
                        ready == 3
                            && now.size() == 3
                            && now.stream().noneMatch(p -> oldRevision.equals(revision(p))))
                    .as(() -> describe(client))
                    .isTrue();
              });
      assertThat(worstUnavailable.get())
          .as("nodes without a ready agent at any moment")
          .isLessThanOrEqualTo(1);

      client.apps().daemonSets().inNamespace(NS).withName("plain-agent").delete();
      await("the DaemonSet's pods collected and their agents stopped")
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(pods(client).isEmpty() && sim.runningAgents() == 0)
                      .as(() -> describe(client))
                      .isTrue());
    }
  }

  private static List<Pod> pods(KubernetesClient client) {
    return client.pods().inNamespace(NS).withLabel("app", "plain-agent").list().getItems();
  }

  private static long readyPods(KubernetesClient client) {
    return pods(client).stream().filter(PodFacts::ready).count();
  }

  private static long nodesCovered(KubernetesClient client) {
    return pods(client).stream()
        .map(p -> p.getSpec().getNodeName())
        .filter(Objects::nonNull)
        .distinct()
        .count();
  }

  private static String revision(Pod p) {
    return p.getMetadata().getLabels().get(DaemonSetController.REVISION_LABEL);
  }

  private static String describe(KubernetesClient client) {
    StringBuilder sb = new StringBuilder();
    for (Pod p : pods(client)) {
      sb.append(p.getMetadata().getName())
          .append(" on ")
          .append(p.getSpec().getNodeName())
          .append(" rev=")
          .append(revision(p))
          .append(" ready=")
          .append(PodFacts.ready(p))
          .append(" phase=")
          .append(PodFacts.phase(p))
          .append(" msg=")
          .append(p.getStatus() == null ? null : p.getStatus().getMessage())
          .append('\n');
    }
    return sb.toString();
  }
}
