package io.pipool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredStateTest {

  @Test
  void everyObjectCarriesAHashThatIsStableAndMovesWithItsContent() {
    PiServerPool pool = Fixtures.stored("ns", "web");
    List<HasMetadata> first = DesiredState.of(pool, "img");
    List<HasMetadata> again = DesiredState.of(pool, "img");
    assertThat(first)
        .extracting(HasMetadata::getKind)
        .containsExactly(
            "ServiceAccount", "Role", "RoleBinding", "ConfigMap", "DaemonSet", "Service");
    for (int i = 0; i < first.size(); i++) {
      assertThat(DesiredState.hashOf(first.get(i)))
          .isNotBlank()
          .isEqualTo(DesiredState.hashOf(again.get(i)));
    }
    pool.getSpec().getService().setPort(8081);
    List<HasMetadata> changed = DesiredState.of(pool, "img");
    assertThat(DesiredState.hashOf(changed.get(5))).isNotEqualTo(DesiredState.hashOf(first.get(5)));
    assertThat(DesiredState.hashOf(changed.get(4))).isEqualTo(DesiredState.hashOf(first.get(4)));
  }
}
