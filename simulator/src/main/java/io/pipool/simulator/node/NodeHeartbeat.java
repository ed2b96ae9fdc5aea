package io.pipool.simulator.node;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps simulated nodes alive on a real API server, as a kubelet does: renews each node's Lease in
 * kube-node-lease every 10 s and refreshes its Ready condition every minute, so the node lifecycle
 * controller does not mark them unreachable and evict their pods.
 */
public final class NodeHeartbeat implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeHeartbeat.class);
  private static final String NAMESPACE = "kube-node-lease";

  private final ScheduledExecutorService timer;

  private NodeHeartbeat(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  /** Starts renewing. */
  public static NodeHeartbeat start(KubernetesClient client, List<SimNode> nodes, Clock clock) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pi-pool-sim-heartbeat");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(() -> renew(client, nodes, clock), 0, 10, TimeUnit.SECONDS);
    timer.scheduleWithFixedDelay(() -> ready(client, nodes, clock), 60, 60, TimeUnit.SECONDS);
    return new NodeHeartbeat(timer);
  }

  private static void renew(KubernetesClient client, List<SimNode> nodes, Clock clock) {
    ZonedDateTime now = ZonedDateTime.now(clock).withZoneSameInstant(ZoneOffset.UTC);
    for (SimNode n : nodes) {
      if (closing()) {
        return;
      }
      try {
        Lease lease =
            new LeaseBuilder()
                .withNewMetadata()
                .withName(n.name())
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity(n.name())
                .withLeaseDurationSeconds(40)
                .withRenewTime(now)
                .endSpec()
                .build();
        client.resource(lease).serverSideApply();
      } catch (KubernetesClientException e) {
        if (closing()) {
          return; // close() interrupted a round over many nodes: not a failure
        }
        LOG.warn("lease of node {} not renewed: {}", n.name(), e.getMessage());
      }
    }
  }

  private static void ready(KubernetesClient client, List<SimNode> nodes, Clock clock) {
    String now = clock.instant().toString();
    String patch =
        "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":"
            + "\"KubeletReady\",\"message\":\"simulated by pi-pool\",\"lastHeartbeatTime\":\""
            + now
            + "\"}]}}";
    for (SimNode n : nodes) {
      if (closing()) {
        return;
      }
      try {
        client
            .nodes()
            .withName(n.name())
            .subresource("status")
            .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
      } catch (KubernetesClientException e) {
        if (closing()) {
          return;
        }
        LOG.warn("node {} status not refreshed: {}", n.name(), e.getMessage());
      }
    }
  }

  private static boolean closing() {
    return Thread.currentThread().isInterrupted();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
