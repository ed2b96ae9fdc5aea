package io.pipool.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the API server does with a value and its structural schema besides CEL: fill in defaults,
 * check the value constraints (enum, pattern with RE2 as in Go, maxLength, maxProperties, minimum,
 * maximum), and hand the value to CEL typed by the schema.
 */
final class SchemaValues {

  private SchemaValues() {}

  private static final Pattern FIELD_PATH_STEP =
      Pattern.compile("\\.([A-Za-z_][A-Za-z0-9_]*)|\\['([^']*)'\\]");

  /** The schema a fieldPath leads to from {@code schema}, or null when it names no field. */
  static JsonNode resolve(JsonNode schema, String fieldPath) {
    Matcher m = FIELD_PATH_STEP.matcher(fieldPath);
    JsonNode at = schema;
    int end = 0;
    while (m.find() && m.start() == end) {
      end = m.end();
      String name = m.group(1) != null ? m.group(1) : m.group(2);
      JsonNode next = at.path("properties").path(name);
      if (next.isMissingNode() && m.group(2) != null) {
        next = at.path("additionalProperties");
      }
      if (next.isMissingNode()) {
        return null;
      }
      at = next;
    }
    return end == fieldPath.length() && end > 0 ? at : null;
  }

  /** Where the API server points: [key] for a map entry. */
  static String field(String path, String fieldPath) {
    if (fieldPath == null) {
      return path;
    }
    return path + fieldPath.replaceAll("\\['([^']*)'\\]", "[$1]");
  }

  /** Adds the path of every map, list or string under {@code schema} without a size bound. */
  static void unbounded(JsonNode schema, String path, List<String> out) {
    String type = schema.path("type").asText();
    boolean bounded =
        switch (type) {
          case "object" -> !schema.has("additionalProperties") || schema.has("maxProperties");
          case "array" -> schema.has("maxItems");
          case "string" -> schema.has("maxLength") || schema.has("enum");
          default -> true;
        };
    if (!bounded) {
      out.add(path);
    }
    schema
        .path("properties")
        .fields()
        .forEachRemaining(f -> unbounded(f.getValue(), path + "." + f.getKey(), out));
    if (schema.has("additionalProperties")) {
      unbounded(schema.get("additionalProperties"), path + "[*]", out);
    }
    if (schema.has("items")) {
      unbounded(schema.get("items"), path + "[*]", out);
    }
  }

  /** Adds a refusal per constraint {@code value} breaks (not its children's). */
  static void check(JsonNode schema, JsonNode value, String path, List<CrdAdmission.Refusal> out) {
    List<String> said = new ArrayList<>();
    if (schema.has("enum")) {
      boolean listed = false;
      for (JsonNode e : schema.get("enum")) {
        listed |= e.equals(value);
      }
      if (!listed) {
        said.add("Unsupported value: " + value + ": supported values: " + schema.get("enum"));
      }
    }
    if (value.isTextual()) {
      String text = value.asText();
      if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
        said.add("Too long: may not be longer than " + schema.get("maxLength").asInt());
      }
      if (schema.has("pattern")
          && !com.google.re2j.Pattern.compile(schema.get("pattern").asText())
              .matcher(text)
              .find()) {
        said.add(value + " in body should match '" + schema.get("pattern").asText() + "'");
      }
    }
    if (value.isObject()
        && schema.has("maxProperties")
        && value.size() > schema.get("maxProperties").asInt()) {
      said.add(
          "Too many: "
              + value.size()
              + ": must have at most "
              + schema.get("maxProperties").asInt()
              + " items");
    }
    if (value.isNumber()) {
      if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
        said.add("should be greater than or equal to " + schema.get("minimum"));
      }
      if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
        said.add("should be less than or equal to " + schema.get("maximum"));
      }
    }
    said.forEach(s -> out.add(new CrdAdmission.Refusal(path, s, null)));
  }

  /** Structural defaulting: absent properties with a default get it, then each value is visited. */
  static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      schema
          .path("properties")
          .fields()
          .forEachRemaining(
              p -> {
                if (!object.has(p.getKey()) && p.getValue().has("default")) {
                  object.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
              });
      object
          .fields()
          .forEachRemaining(
              f -> {
                JsonNode child = schema.path("properties").path(f.getKey());
                applyDefaults(
                    child.isMissingNode() ? schema.path("additionalProperties") : child,
                    f.getValue());
              });
    } else if (value.isArray()) {
      value.forEach(item -> applyDefaults(schema.path("items"), item));
    }
  }

  /** The value as CEL sees it: integers as long, numbers as double (even when written 75). */
  static Object celValue(JsonNode schema, JsonNode value) {
    String type = schema.path("type").asText();
    if (value.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      value
          .fields()
          .forEachRemaining(
              f -> {
                JsonNode child = schema.path("properties").path(f.getKey());
                JsonNode childSchema =
                    child.isMissingNode() ? schema.path("additionalProperties") : child;
                map.put(f.getKey(), celValue(childSchema, f.getValue()));
              });
      return map;
    }
    if (value.isArray()) {
      List<Object> list = new ArrayList<>();
      value.forEach(item -> list.add(celValue(schema.path("items"), item)));
      return list;
    }
    if (value.isNumber()) {
      return type.equals("number") ? (Object) value.asDouble() : (Object) value.asLong();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asText();
  }
}
