package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.operator.autoscale.AgentPods;
import io.pipool.operator.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrunedPodStoreTest {

  private static Pod agentPodWithManagedFields(String node) {
    Pod pod = Fixtures.agentPod("web", "web", node, "127.0.1.7");
    pod.getMetadata()
        .setManagedFields(
            List.of(
                new ManagedFieldsEntryBuilder()
                    .withManager("kubelet")
                    .withOperation("Update")
                    .build()));
    return pod;
  }

  @Test
  void aCachedPodKeepsWhatTheOperatorReadsAndDropsTheRest() {
    PrunedPodStore store = new PrunedPodStore();
    Pod pod = agentPodWithManagedFields("pi-7");
    store.put(store.getKey(pod), pod);

    Pod cached = store.get("web/web-agent-pi-7");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getSpec().getContainers()).isNullOrEmpty();
    // still a running agent on its node, labelled and addressable as before
    assertThat(AgentPods.running(cached)).isTrue();
    assertThat(AgentPods.node(cached)).isEqualTo("pi-7");
    assertThat(AgentPods.serving(cached)).isFalse();
    assertThat(cached.getStatus().getPodIP()).isEqualTo("127.0.1.7");
    assertThat(cached.getStatus().getInitContainerStatuses()).hasSize(1);
  }

  @Test
  void itBehavesAsAStoreByNamespaceAndName() {
    PrunedPodStore store = new PrunedPodStore();
    Pod a = agentPodWithManagedFields("pi-1");
    Pod b = agentPodWithManagedFields("pi-2");
    store.put(store.getKey(a), a);
    store.put(store.getKey(b), b);

    assertThat(store.size()).isEqualTo(2);
    assertThat(store.keySet())
        .containsExactlyInAnyOrder("web/web-agent-pi-1", "web/web-agent-pi-2");
    assertThat(store.remove("web/web-agent-pi-1")).isNotNull();
    assertThat(store.values().map(AgentPods::node)).containsExactly("pi-2");
    assertThat(store.get("web/web-agent-pi-1")).isNull();
  }
}
