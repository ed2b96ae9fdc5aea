package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of Kubernetes JSONPath that printer columns use: {@code .a.b}, {@code [N]}, {@code [*]}
 * and one equality filter {@code [?(@.field=="value")]}. Anything else is refused with a message
 * naming the path, so a new column with a richer path fails loudly instead of printing blanks.
 */
final class JsonPathLite {

  private static final Pattern STEP =
      Pattern.compile(
          "\\.([A-Za-z0-9_\\-]+)"
              + "|\\[(\\d+)]"
              + "|\\[\\*]"
              + "|\\[\\?\\(@\\.([A-Za-z0-9_\\-]+)\\s*==\\s*(?:\"([^\"]*)\"|'([^']*)')\\)]");

  private final String path;
  private final List<Step> steps;

  private sealed interface Step {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record All() implements Step {}

  private record Filter(String field, String value) implements Step {}

  private JsonPathLite(String path, List<Step> steps) {
    this.path = path;
    this.steps = steps;
  }

  /** Parses {@code path}, with or without the surrounding braces kubectl accepts. */
  static JsonPathLite parse(String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1).trim();
    }
    List<Step> steps = new ArrayList<>();
    Matcher m = STEP.matcher(p);
    int at = 0;
    while (at < p.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(
            "jsonPath \""
                + path
                + "\": unsupported at \""
                + p.substring(at)
                + "\"; supported are .field, [N], [*] and [?(@.field==\"value\")]");
      }
      if (m.group(1) != null) {
        steps.add(new Field(m.group(1)));
      } else if (m.group(2) != null) {
        steps.add(new Index(Integer.parseInt(m.group(2))));
      } else if (m.group(3) != null) {
        steps.add(new Filter(m.group(3), m.group(4) != null ? m.group(4) : m.group(5)));
      } else {
        steps.add(new All());
      }
      at = m.end();
    }
    return new JsonPathLite(path, List.copyOf(steps));
  }

  /** Every node the path reaches in {@code root}; empty when it reaches none. */
  List<JsonNode> find(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        if (step instanceof Field f) {
          add(next, n.get(f.name()));
        } else if (step instanceof Index i) {
          add(next, n.isArray() ? n.get(i.index()) : null);
        } else if (step instanceof All) {
          n.forEach(next::add);
        } else if (step instanceof Filter f && n.isArray()) {
          for (JsonNode e : n) {
            JsonNode v = e.get(f.field());
            if (v != null && v.isValueNode() && f.value().equals(v.asText())) {
              next.add(e);
            }
          }
        }
      }
      current = next;
    }
    return current;
  }

  private static void add(List<JsonNode> to, JsonNode n) {
    if (n != null && !n.isNull() && !n.isMissingNode()) {
      to.add(n);
    }
  }

  @Override
  public String toString() {
    return path;
  }
}
