package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side printing of a custom resource, as the API server does it for {@code kubectl get}: a
 * {@code meta.k8s.io/v1} Table whose columns are "Name" and the CRD's additionalPrinterColumns,
 * each cell the first value the column's JSONPath finds. Date columns are rendered as an age, as
 * the API server does, so kubectl prints them as they come.
 */
final class TableView {

  /** One printer column of the CRD. */
  record Column(
      String name, String type, String format, String description, int priority, String jsonPath) {}

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Column NAME =
      new Column(
          "Name", "string", "name", "Name must be unique within a namespace.", 0, ".metadata.name");

  private final List<Column> columns;
  private final List<JsonPathLite> paths;
  private final Clock clock;

  TableView(List<Column> printerColumns, Clock clock) {
    List<Column> all = new ArrayList<>();
    all.add(NAME);
    all.addAll(printerColumns);
    this.columns = List.copyOf(all);
    this.paths = columns.stream().map(c -> JsonPathLite.parse(c.jsonPath())).toList();
    this.clock = clock;
  }

  /** The printer columns of {@code crd}'s served version {@code version}. */
  static TableView of(CustomResourceDefinition crd, String version, Clock clock) {
    CustomResourceDefinitionVersion v =
        crd.getSpec().getVersions().stream()
            .filter(x -> x.getName().equals(version))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "version \"" + version + "\" is not in " + crd.getMetadata().getName()));
    List<Column> cols =
        v.getAdditionalPrinterColumns() == null
            ? List.of()
            : v.getAdditionalPrinterColumns().stream()
                .map(
                    c ->
                        new Column(
                            c.getName(),
                            c.getType(),
                            c.getFormat(),
                            c.getDescription(),
                            c.getPriority() == null ? 0 : c.getPriority(),
                            c.getJsonPath()))
                .toList();
    return new TableView(cols, clock);
  }

  /** The columns, "Name" first. */
  List<Column> columns() {
    return columns;
  }

  /**
   * A Table of {@code objects}; {@code includeObject} is the request's parameter ("None", "Object",
   * or by default "Metadata").
   */
  ObjectNode table(List<JsonNode> objects, String resourceVersion, String includeObject) {
    ObjectNode table = NODES.objectNode();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    if (resourceVersion != null) {
      meta.put("resourceVersion", resourceVersion);
    }
    ArrayNode defs = table.putArray("columnDefinitions");
    for (Column c : columns) {
      ObjectNode d = defs.addObject();
      d.put("name", c.name());
      d.put("type", c.type());
      d.put("format", c.format() == null ? "" : c.format());
      d.put("description", c.description() == null ? "" : c.description());
      d.put("priority", c.priority());
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode o : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (int i = 0; i < columns.size(); i++) {
        cells.add(cell(columns.get(i), paths.get(i).find(o)));
      }
      JsonNode object = objectFor(o, includeObject);
      if (object != null) {
        row.set("object", object);
      }
    }
    return table;
  }

  private JsonNode cell(Column c, List<JsonNode> found) {
    if (found.isEmpty()) {
      return NODES.nullNode();
    }
    JsonNode v = found.get(0);
    return switch (c.type()) {
      case "integer" -> v.isNumber() ? NODES.numberNode(v.asLong()) : NODES.nullNode();
      case "number" -> v.isNumber() ? NODES.numberNode(v.asDouble()) : NODES.nullNode();
      case "boolean" -> v.isBoolean() ? v : NODES.nullNode();
      case "date" -> v.isTextual() ? NODES.textNode(age(v.asText())) : NODES.nullNode();
      default -> NODES.textNode(v.isValueNode() ? v.asText() : v.toString());
    };
  }

  private String age(String timestamp) {
    try {
      return humanDuration(Duration.between(Instant.parse(timestamp), clock.instant()));
    } catch (DateTimeParseException e) {
      return "<invalid>";
    }
  }

  /** An age the way kubectl prints one: 45s, 2m10s, 15m, 3h20m, 2d4h, ... */
  static String humanDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    }
    if (seconds < 0) {
      return "0s";
    }
    if (seconds < 120) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    }
    if (minutes < 180) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    }
    if (hours < 48) {
      return hours + "h";
    }
    if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    }
    if (hours < 24 * 365 * 8) {
      long days = (hours / 24) % 365;
      return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
    }
    return hours / 24 / 365 + "y";
  }

  private static JsonNode objectFor(JsonNode o, String includeObject) {
    if ("None".equals(includeObject)) {
      return null;
    }
    if ("Object".equals(includeObject)) {
      return o;
    }
    ObjectNode partial = NODES.objectNode();
    partial.put("kind", "PartialObjectMetadata");
    partial.put("apiVersion", "meta.k8s.io/v1");
    partial.set("metadata", o.path("metadata").deepCopy());
    return partial;
  }
}
