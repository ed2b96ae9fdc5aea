package io.pipool.agent.config;

import io.pipool.api.agent.AgentConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The systematic mapping from agent.yaml fields to environment variables: {@code
 * PIPOOL_<SECTION>_<FIELD>} with both parts upper-cased (camel case joined, no extra underscore),
 * for example {@code server.maxConnections -> PIPOOL_SERVER_MAXCONNECTIONS}; top-level fields are
 * {@code PIPOOL_<FIELD>}; node, pod and namespace use the downward-API names {@code
 * PIPOOL_NODE_NAME}, {@code PIPOOL_POD_NAME} and {@code PIPOOL_POD_NAMESPACE}.
 */
public final class EnvMapping {

  /**
   * One field reachable from the environment.
   *
   * @param variable environment variable name
   * @param section the section in agent.yaml, null for a top-level field
   * @param field the field's name in agent.yaml
   * @param isMap true for map-valued fields, written as {@code name=value,name=value}
   */
  public record Entry(String variable, String section, String field, boolean isMap) {

    /** The dotted path in agent.yaml, for messages. */
    public String path() {
      return section == null ? field : section + "." + field;
    }
  }

  private static final Map<String, String> DOWNWARD_API =
      Map.of(
          "node",
          "PIPOOL_NODE_NAME",
          "pod",
          "PIPOOL_POD_NAME",
          "namespace",
          "PIPOOL_POD_NAMESPACE");

  private static final List<Entry> ENTRIES = build();

  private EnvMapping() {}

  /** Every field with its variable, in agent.yaml order. */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /** The variable for a dotted path, for messages; the path itself when unknown. */
  public static String variableFor(String path) {
    return ENTRIES.stream()
        .filter(e -> e.path().equals(path))
        .map(Entry::variable)
        .findFirst()
        .orElse(path);
  }

  private static List<Entry> build() {
    List<Entry> out = new ArrayList<>();
    for (RecordComponent top : AgentConfig.class.getRecordComponents()) {
      if (top.getType().isRecord()) {
        for (RecordComponent c : top.getType().getRecordComponents()) {
          out.add(
              new Entry(
                  "PIPOOL_" + upper(top.getName()) + "_" + upper(c.getName()),
                  top.getName(),
                  c.getName(),
                  Map.class.isAssignableFrom(c.getType())));
        }
      } else {
        String variable =
            DOWNWARD_API.getOrDefault(top.getName(), "PIPOOL_" + upper(top.getName()));
        out.add(new Entry(variable, null, top.getName(), false));
      }
    }
    return List.copyOf(out);
  }

  private static String upper(String name) {
    return name.toUpperCase(Locale.ROOT);
  }
}
