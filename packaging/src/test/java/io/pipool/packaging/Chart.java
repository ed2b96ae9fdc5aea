package io.pipool.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The Helm chart, rendered by a real Helm engine (helm-java). */
final class Chart {

  static final String NAMESPACE = "pi-pool-system";
  static final Path PATH = Repo.path("charts/pi-pool");

  private Chart() {}

  /**
   * The chart's alert rule groups with its defaults (hot at 75 °C, for 5m), as Prometheus reads
   * them.
   */
  static JsonNode rules(Path tmp) {
    Objects objects = Objects.parse(render(tmp, "metrics: {prometheusRule: {enabled: true}}"));
    return objects.single("PrometheusRule").path("spec");
  }

  /** Every PrometheusRule in manifests/ (for installs without Helm). */
  static List<JsonNode> manifestRules() {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Repo.path("manifests"))) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        out.addAll(Objects.parse(Files.readString(f)).ofKind("PrometheusRule"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

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
