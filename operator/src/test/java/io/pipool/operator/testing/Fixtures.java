package io.pipool.operator.testing;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.SysctlReport;
import io.pipool.api.agent.ThrottleFlags;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import java.util.List;
import java.util.Map;

/** Small factories for pools, agent pods and agent status documents. */
public final class Fixtures {

  private Fixtures() {}

  /** A pool with the spec's defaults. */
  public static PiServerPool pool(String namespace, String name) {
    PiServerPool pool = new PiServerPool();
    pool.getMetadata().setName(name);
    pool.getMetadata().setNamespace(namespace);
    pool.setSpec(new PiServerPoolSpec());
    return pool;
  }

  /** A pool as the API server would hand it to the operator (uid, generation). */
  public static PiServerPool stored(String namespace, String name) {
    PiServerPool pool = pool(namespace, name);
    pool.getMetadata().setUid("uid-" + name);
    pool.getMetadata().setGeneration(1L);
    return pool;
  }

  /** A running agent pod as the DaemonSet controller and kubelet would make it. */
  public static Pod agentPod(String namespace, String pool, String node, String ip) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(pool + "-agent-" + node)
        .withNamespace(namespace)
        .withLabels(
            Map.of(
                "app.kubernetes.io/name",
                "pi-pool-agent",
                "app.kubernetes.io/instance",
                pool,
                "app.kubernetes.io/managed-by",
                "pi-pool-operator",
                PiServerPool.POOL_LABEL,
                pool,
                PiServerPool.SERVING_LABEL,
                "false"))
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .addNewContainer()
        .withName("agent")
        .withImage("pipool/node-agent:test")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .withPodIP(ip)
        .withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("agent")
                .withReady(false)
                .withNewState()
                .withNewRunning()
                .withStartedAt("2026-01-01T00:00:00Z")
                .endRunning()
                .endState()
                .build())
        .withInitContainerStatuses(
            new ContainerStatusBuilder()
                .withName("apply-sysctls")
                .withNewState()
                .withNewTerminated()
                .withExitCode(0)
                .withReason("Completed")
                .endTerminated()
                .endState()
                .build())
        .endStatus()
        .build();
  }

  /** An agent's /v1/status document. */
  public static AgentStatus status(
      String node, long connections, double celsius, boolean throttled) {
    return new AgentStatus(
        node,
        "pod-" + node,
        "test",
        AgentStatus.ServingMode.Serving,
        "labelled serving",
        100,
        new AgentStatus.Connections(connections, connections * 10, 0, 4000),
        connections / 2.0,
        connections * 100,
        new AgentStatus.Thermal(
            celsius, "thermal_zone0", null, throttled ? ThrottleFlags.of(0x4) : ThrottleFlags.NONE),
        List.of(
            new SysctlReport(
                "net.core.somaxconn", "4096", "4096", "128", SysctlReport.State.Applied, null)),
        "2026-01-01T00:00:00Z");
  }
}
