package io.pipool.simulator.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.load.LoadGenerator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix's watch sees a serving-label flap however short it is: a label taken off and put
 * back at once, well within any polling interval, is still a flap.
 */
class FaultWatchTest {

  private static final String POD = "agent-elsewhere";

  @Test
  void aLabelTakenOffAndPutBackAtOnceIsAFlap() {
    try (SimCluster c = SimCluster.embedded(1, 30);
        LoadGenerator load =
            new LoadGenerator(
                c.sim.vertx(), new LoadGenerator.Settings(1, 1000, 1), c.sim.meter(), List::of)) {
      // an agent pod of the pool on a node no kubelet runs: only its labels matter here
      c.client.resource(agentPod(c.ns, "true")).create();
      FaultWatch w = FaultWatch.start("flap at once", c, load);
      label(c, "false");
      label(c, "true");
      await("both label changes seen").atMost(Duration.ofSeconds(30)).until(() -> w.changes() == 2);
      FaultWatch.Figures f = w.finish(w.elapsed(), flip -> false, d -> false);
      assertThat(f.flaps())
          .containsExactly(
              new FaultWatch.Flip("elsewhere", false), new FaultWatch.Flip("elsewhere", true));
    }
  }

  private static void label(SimCluster c, String serving) {
    c.client
        .pods()
        .inNamespace(c.ns)
        .withName(POD)
        .edit(
            p ->
                new PodBuilder(p)
                    .editMetadata()
                    .addToLabels(PiServerPool.SERVING_LABEL, serving)
                    .endMetadata()
                    .build());
  }

  private static Pod agentPod(String ns, String serving) {
    return new PodBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(POD)
        .addToLabels(PiServerPool.POOL_LABEL, SimCluster.POOL)
        .addToLabels(PiServerPool.SERVING_LABEL, serving)
        .endMetadata()
        .withNewSpec()
        .withNodeName("elsewhere")
        .addNewContainer()
        .withName("agent")
        .withImage("pi-pool-agent")
        .endContainer()
        .endSpec()
        .build();
  }
}
