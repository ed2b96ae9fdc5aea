package io.pipool.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TableViewTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant CREATED = Instant.parse("2026-01-01T12:00:00Z");
  private static final Clock FIVE_MINUTES_LATER =
      Clock.fixed(CREATED.plus(Duration.ofMinutes(5).plusSeconds(7)), ZoneOffset.UTC);

  private static TableView view() {
    return TableView.of(EmbeddedApiServer.crd(), "v1alpha1", FIVE_MINUTES_LATER);
  }

  private static JsonNode pool(String name, String status) throws Exception {
    ObjectNode pool =
        (ObjectNode)
            JSON.readTree(
                """
                {"apiVersion":"pipool.io/v1alpha1","kind":"PiServerPool",
                 "metadata":{"name":"%s","namespace":"default","creationTimestamp":"%s",
                             "resourceVersion":"42"}}
                """
                    .formatted(name, CREATED));
    if (status != null) {
      pool.set("status", JSON.readTree(status));
    }
    return pool;
  }

  private static List<String> names(JsonNode table) {
    List<String> names = new ArrayList<>();
    table.path("columnDefinitions").forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  @Test
  void columnsAreNameThenTheCrdsPrinterColumnsInTheirPublishedOrder() {
    JsonNode table = view().table(List.of(), "7", null);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
    assertThat(names(table))
        .containsExactly(
            "Name", "Desired", "Serving", "Nodes", "Targets", "Max °C", "Ready", "Age");
    assertThat(table.path("columnDefinitions").get(0).path("format").asText()).isEqualTo("name");
  }

  @Test
  void cellsHoldWhatEachColumnsJsonPathFindsAndTheAgeSinceCreation() throws Exception {
    JsonNode pool =
        pool(
            "web",
            """
            {"desiredReplicas":3,"replicas":2,
             "totals":{"nodes":6,"connections":2400,"maxTemperatureCelsius":71.5},
             "targets":"connections 400/800",
             "conditions":[{"type":"Valid","status":"True"},{"type":"Ready","status":"False"}]}
            """);
    JsonNode row = view().table(List.of(pool), "42", null).path("rows").get(0);
    assertThat(JSON.writeValueAsString(row.path("cells")))
        .isEqualTo("[\"web\",3,2,6,\"connections 400/800\",71.5,\"False\",\"5m7s\"]");
  }

  @Test
  void aPoolWithoutStatusShowsEmptyCellsNotZeros() throws Exception {
    JsonNode row = view().table(List.of(pool("new", null)), "1", null).path("rows").get(0);
    List<JsonNode> cells = new ArrayList<>();
    row.path("cells").forEach(cells::add);
    assertThat(cells.get(0).asText()).isEqualTo("new");
    assertThat(cells.subList(1, 7)).allMatch(JsonNode::isNull);
    assertThat(cells.get(7).asText()).isEqualTo("5m7s");
  }

  @Test
  void eachRowCarriesTheObjectAsAskedForSoKubectlCanPrintItsNamespace() throws Exception {
    JsonNode pool = pool("web", "{}");
    JsonNode partial = view().table(List.of(pool), "1", null).path("rows").get(0).path("object");
    assertThat(partial.path("kind").asText()).isEqualTo("PartialObjectMetadata");
    assertThat(partial.path("metadata").path("namespace").asText()).isEqualTo("default");
    JsonNode full = view().table(List.of(pool), "1", "Object").path("rows").get(0).path("object");
    assertThat(full.path("kind").asText()).isEqualTo("PiServerPool");
    assertThat(view().table(List.of(pool), "1", "None").path("rows").get(0).has("object"))
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "59, 59s",
    "119, 119s",
    "120, 2m",
    "307, 5m7s",
    "600, 10m",
    "10799, 179m",
    "10800, 3h",
    "12600, 3h30m",
    "28800, 8h",
    "172800, 2d",
    "183600, 2d3h",
    "864000, 10d"
  })
  void agesReadAsKubectlPrintsThem(long seconds, String age) {
    assertThat(TableView.humanDuration(Duration.ofSeconds(seconds))).isEqualTo(age);
  }

  @Test
  void aFilterPathFindsTheMatchingListEntry() throws Exception {
    JsonNode o =
        JSON.readTree(
            "{\"c\":[{\"type\":\"A\",\"status\":\"x\"},{\"type\":\"Ready\",\"status\":\"y\"}]}");
    assertThat(JsonPathLite.parse(".c[?(@.type==\"Ready\")].status").find(o))
        .extracting(JsonNode::asText)
        .containsExactly("y");
    assertThat(JsonPathLite.parse("{.c[1].type}").find(o))
        .extracting(JsonNode::asText)
        .containsExactly("Ready");
    assertThat(JsonPathLite.parse(".c[*].type").find(o)).hasSize(2);
    assertThat(JsonPathLite.parse(".missing.deeper").find(o)).isEmpty();
  }

  @Test
  void aPathBeyondTheSupportedSubsetIsRefusedByName() {
    assertThatThrownBy(() -> JsonPathLite.parse(".items[?(@.count>3)].name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(".items[?(@.count>3)].name")
        .hasMessageContaining("supported are");
  }
}
