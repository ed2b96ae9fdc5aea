package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GarbageCollectorTest {

  private static ConfigMap ownedBy(String kind, String uid) {
    ConfigMapBuilder b = new ConfigMapBuilder().withNewMetadata().withName("x").endMetadata();
    if (kind != null) {
      OwnerReference r =
          new OwnerReferenceBuilder()
              .withKind(kind)
              .withName("o")
              .withUid(uid)
              .withController(true)
              .build();
      b.editMetadata().withOwnerReferences(r).endMetadata();
    }
    return b.build();
  }

  @ParameterizedTest(name = "owner {0}/{1}, existing {2}: orphaned {3}")
  @CsvSource({
    "PiServerPool, u1, u1, false",
    "PiServerPool, u1, u2, true",
    "DaemonSet, d1, , true",
    "Job, j1, j1, false",
    "Deployment, x1, , false",
    ", , , false",
  })
  void onlyDependentsOfVanishedTrackedOwnersAreCollected(
      String kind, String uid, String existing, boolean orphaned) {
    Set<String> owners = existing == null ? Set.of() : Set.of(existing);
    assertThat(GarbageCollector.orphaned(ownedBy(kind, uid), owners)).isEqualTo(orphaned);
  }
}
