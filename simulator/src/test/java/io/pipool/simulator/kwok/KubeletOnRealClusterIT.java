package io.pipool.simulator.kwok;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.cluster.PodFacts;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.NodeObjects;
import io.pipool.simulator.node.SimNode;
import io.pipool.simulator.thermal.ThermalProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kubelet part against a real API server (kwok-style): the simulator registers its nodes and
 * runs a real agent for a pod bound to one of them. Needs PIPOOL_IT_KUBECONFIG.
 */
class KubeletOnRealClusterIT {

  @Test
  void aPodBoundToASimulatedNodeRunsARealAgentAndReportsReady() throws Exception {
    String kubeconfig = System.getenv("PIPOOL_IT_KUBECONFIG");
    if (kubeconfig == null || kubeconfig.isBlank()) {
      // printed as well, so the skip shows in the build log and not only in the report files
      System.out.println("SKIPPED KubeletOnRealClusterIT: PIPOOL_IT_KUBECONFIG is not set");
    }
    assumeTrue(
        kubeconfig != null && !kubeconfig.isBlank(),
        "PIPOOL_IT_KUBECONFIG is not set: skipping the real-cluster kubelet test");
    SimulatorConfig config =
        new SimulatorConfig(
            2, 1, ThermalProfile.DEFAULT_FULL_LOAD_RPS, Path.of(kubeconfig), null, null);
    String ns = "pi-pool-sim-it-" + PodFacts.suffix();
    try (Simulator sim = Simulator.start(config, Clock.systemUTC())) {
      KubernetesClient client = sim.client();
      try {
        assertThat(client.nodes().withName("pi-1").get().getMetadata().getLabels())
            .containsEntry(NodeObjects.SIMULATED_LABEL, "true");
        client
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
        List<Integer> ports =
            FreePorts.pick(sim.nodes().values().stream().map(SimNode::address).toList(), 2);
        client
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("agent")
                    .withNamespace(ns)
                    .endMetadata()
                    .withData(
                        Map.of(
                            "agent.yaml",
                            "server: {port: %d, adminPort: %d}\nserving: {watchPod: false, initial: Serving}\n"
                                .formatted(ports.get(0), ports.get(1))))
                    .build())
            .create();
        client
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("agent")
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName("pi-1")
                    .withHostNetwork(true)
                    .addNewContainer()
                    .withName("agent")
                    .withImage("pipool/node-agent:simulated")
                    .withArgs("serve", "--config", "/etc/pi-pool/agent.yaml")
                    .addNewVolumeMount()
                    .withName("config")
                    .withMountPath("/etc/pi-pool")
                    .endVolumeMount()
                    .endContainer()
                    .addNewVolume()
                    .withName("config")
                    .withNewConfigMap()
                    .withName("agent")
                    .endConfigMap()
                    .endVolume()
                    .endSpec()
                    .build())
            .create();
        Pod pod =
            await("the pod Ready from the agent's /readyz")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(
                    () -> client.pods().inNamespace(ns).withName("agent").get(),
                    p -> p != null && PodFacts.ready(p));
        assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.1.1");
      } finally {
        client.namespaces().withName(ns).delete();
        sim.nodes().keySet().forEach(n -> client.nodes().withName(n).delete());
      }
    }
  }
}
