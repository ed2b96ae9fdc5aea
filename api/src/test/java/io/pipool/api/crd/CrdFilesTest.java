package io.pipool.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed CRD copies are exactly what the build generates, and the schema reads well. */
class CrdFilesTest {

  private static String published;
  private static JsonNode version;

  @BeforeAll
  static void render() throws IOException {
    published = PublishedCrd.render();
    if (Boolean.getBoolean("pipool.updateCrds")) {
      for (Path copy : PublishedCrd.committedCopies()) {
        Files.createDirectories(copy.getParent());
        Files.writeString(copy, published);
      }
    }
    version = PublishedCrd.YAML.readTree(published).path("spec").path("versions").get(0);
  }

  @Test
  void committedCopiesMatchTheGeneratedCrd() throws IOException {
    for (Path copy : PublishedCrd.committedCopies()) {
      assertThat(copy).exists();
      assertThat(Files.readString(copy))
          .as(
              "%s is stale: regenerate with `mvn -B -pl api verify -Dpipool.updateCrds=true` and"
                  + " commit it",
              copy)
          .isEqualTo(published);
    }
  }

  @Test
  void hasStatusAndScaleSubresources() {
    JsonNode sub = version.path("subresources");
    assertThat(sub.has("status")).isTrue();
    assertThat(sub.path("scale").path("specReplicasPath").asText()).isEqualTo(".spec.replicas");
    assertThat(sub.path("scale").path("statusReplicasPath").asText()).isEqualTo(".status.replicas");
    assertThat(sub.path("scale").path("labelSelectorPath").asText()).isEqualTo(".status.selector");
  }

  @Test
  void printerColumnsAppearInDeclaredOrder() {
    List<String> names = new ArrayList<>();
    version.path("additionalPrinterColumns").forEach(c -> names.add(c.path("name").asText()));
    assertThat(names)
        .containsExactly("Desired", "Serving", "Nodes", "Targets", "Max °C", "Ready", "Age");
  }

  @Test
  void everyFieldHasATypeAndADescription() {
    List<String> problems = new ArrayList<>();
    JsonNode root = version.path("schema").path("openAPIV3Schema");
    walk(root.path("properties").path("spec"), "spec", problems);
    walk(root.path("properties").path("status"), "status", problems);
    assertThat(problems).as("fields kubectl explain would show badly").isEmpty();
  }

  @Test
  void crossFieldRulesAreCelValidations() {
    JsonNode spec = version.path("schema").path("openAPIV3Schema").path("properties").path("spec");
    Map<String, String> expected =
        Map.of(
            "autoscaling", "self.minReplicas <= self.maxReplicas",
            "thermal", "self.resumeCelsius < self.drainCelsius",
            "server", "self.mode != 'Proxy' || has(self.upstream)");
    expected.forEach(
        (field, rule) ->
            assertThat(
                    spec.path("properties").path(field).path("x-kubernetes-validations").toString())
                .as("CEL rule on spec.%s", field)
                .contains(rule));
  }

  private static void walk(JsonNode node, String path, List<String> problems) {
    if (!node.has("description")) {
      problems.add(path + " has no description");
    }
    boolean typed =
        node.has("type")
            || node.path("x-kubernetes-int-or-string").asBoolean()
            || node.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    if (!typed) {
      problems.add(path + " has no type (not a structural schema)");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.path("properties").fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      walk(f.getValue(), path + "." + f.getKey(), problems);
    }
    if (node.has("items")) {
      JsonNode items = node.get("items");
      items
          .path("properties")
          .fields()
          .forEachRemaining(f -> walk(f.getValue(), path + "[]." + f.getKey(), problems));
    }
  }
}
