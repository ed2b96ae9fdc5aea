package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SchedulingTest {

  private static Node node(String arch, String taintKey) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName("n")
            .addToLabels("kubernetes.io/arch", arch)
            .endMetadata();
    if (taintKey != null) {
      b.withNewSpec().withTaints(new Taint("NoSchedule", taintKey, null, null)).endSpec();
    }
    return b.build();
  }

  private static PodSpec spec(String arch, String tolerates) {
    PodSpecBuilder b = new PodSpecBuilder();
    if (arch != null) {
      b.withNodeSelector(Map.of("kubernetes.io/arch", arch));
    }
    if (tolerates != null) {
      b.withTolerations(List.of(new Toleration("NoSchedule", tolerates, "Exists", null, null)));
    }
    return b.build();
  }

  @ParameterizedTest(name = "node {0} taint {1}, pod wants {2} tolerates {3}: {4}")
  @CsvSource({
    "arm64, , arm64, , true",
    "amd64, , arm64, , false",
    "arm64, , , , true",
    "arm64, node-role.kubernetes.io/control-plane, arm64, , false",
    "arm64, node-role.kubernetes.io/control-plane, arm64, node-role.kubernetes.io/control-plane, true",
    "arm64, dedicated, arm64, node-role.kubernetes.io/control-plane, false",
  })
  void podsGoWhereTheirSelectorMatchesAndTaintsAreTolerated(
      String arch, String taint, String wants, String tolerates, boolean fits) {
    assertThat(Scheduling.fits(spec(wants, tolerates), node(arch, taint))).isEqualTo(fits);
  }
}
