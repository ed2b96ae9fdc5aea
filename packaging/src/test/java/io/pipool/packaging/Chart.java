package io.pipool.packaging;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Helm chart, rendered by a real Helm engine (helm-java). */
final class Chart {

  static final String NAMESPACE = "pi-pool-system";
  static final Path PATH = Repo.path("charts/pi-pool");

  private Chart() {}

  /**
   * Renders the chart like `helm template -f values.yaml`, with the values given as YAML text
   * (written to a file in {@code tmp}).
   */
  static String render(Path tmp, String valuesYaml) {
    try {
      Path values = Files.createTempFile(tmp, "values", ".yaml");
      Files.writeString(values, valuesYaml);
      return new Helm(PATH)
          .template()
          .withName("pi-pool")
          .withNamespace(NAMESPACE)
          // a current k3s; Helm's own default is older than the chart's kubeVersion
          .withKubeVersion("1.31.0")
          .withValuesFile(values)
          .call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
