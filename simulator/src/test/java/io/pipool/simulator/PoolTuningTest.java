package io.pipool.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/demo --pool FILE: a manifest the operator could not read faithfully is refused up front. */
class PoolTuningTest {

  @Test
  void aManifestWithAnUnknownEnumValueIsRefusedByItsSpecPath(@TempDir Path dir) throws IOException {
    Path manifest = dir.resolve("pool.yaml");
    Files.writeString(
        manifest,
        "apiVersion: pipool.io/v1alpha1\nkind: PiServerPool\nmetadata: {name: web}\n"
            + "spec: {server: {mode: Bogus}}\n");
    assertThatThrownBy(() -> PoolTuning.read(manifest))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            manifest + ": spec.server.mode: \"Bogus\" is invalid; allowed: Static, Echo or Proxy");
  }

  @Test
  void theShippedExampleReads() {
    assertThat(PoolTuning.read(Path.of("../manifests/examples/web-pool.yaml")).getSpec())
        .isNotNull();
  }
}
