package io.pipool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.testing.Fixtures;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RestoreJobModelTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "pi-1, web-restore-pi-1",
    "Pi_Node.local, web-restore-pi-node-local",
    "a-very-long-node-name-that-goes-on-and-on-and-on-and-on-forever, ",
  })
  void jobNamesAreValidAndUniquePerNode(String node, String expected) {
    PiServerPool pool = Fixtures.stored("ns", "web");
    String name = RestoreJobModel.name(pool, node);
    assertThat(name).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
    if (expected != null) {
      assertThat(name).isEqualTo(expected);
    } else {
      assertThat(name).isNotEqualTo(RestoreJobModel.name(pool, node + "x"));
    }
    Job job = RestoreJobModel.job(pool, node, "img", Duration.ofSeconds(120));
    assertThat(RestoreJobModel.node(job)).isEqualTo(node);
    assertThat(job.getSpec().getTemplate().getSpec().getNodeName()).isEqualTo(node);
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(120L);
  }
}
