package io.pipool.api.agent;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's environment variables, derived from {@link AgentConfig}'s fields: {@code
 * PIPOOL_<SECTION>_<FIELD>} upper-cased (camel case joined, no extra underscore), for example
 * {@code server.maxConnections -> PIPOOL_SERVER_MAXCONNECTIONS}; top-level fields are {@code
 * PIPOOL_<FIELD>}; node, pod and namespace use the downward-API names below.
 */
public final class AgentVariables {

  /** The node's name (downward API {@code spec.nodeName}). */
  public static final String NODE_NAME = "PIPOOL_NODE_NAME";

  /** The agent pod's name (downward API {@code metadata.name}). */
  public static final String POD_NAME = "PIPOOL_POD_NAME";

  /** The agent pod's namespace (downward API {@code metadata.namespace}). */
  public static final String POD_NAMESPACE = "PIPOOL_POD_NAMESPACE";

  /**
   * The pod's IP (downward API {@code status.podIP}; on the host network the node's own address):
   * server.adminHost and server.host when neither the file nor their variables set them, so the
   * admin and traffic ports listen on the node's own address (as the CRD says) and not on every
   * interface of a host-network node.
   */
  public static final String POD_IP = "PIPOOL_POD_IP";

  /** The fields whose default {@link #POD_IP} replaces. */
  public static final List<String> POD_IP_FIELDS = List.of("server.adminHost", "server.host");

  /**
   * One field reachable from the environment.
   *
   * @param variable environment variable name
   * @param section the section in agent.yaml, null for a top-level field
   * @param field the field's name in agent.yaml
   * @param isMap true for map-valued fields, written as {@code name=value,name=value}
   */
  public record Entry(String variable, String section, String field, boolean isMap) {

    /** The dotted path in agent.yaml, as messages name it. */
    public String path() {
      return section == null ? field : section + "." + field;
    }
  }

  private static final Map<String, String> DOWNWARD_API =
      Map.of("node", NODE_NAME, "pod", POD_NAME, "namespace", POD_NAMESPACE);

  private static final List<Entry> ENTRIES = build();

  private AgentVariables() {}

  /** Every field with its variable, in agent.yaml order. */
  public static List<Entry> entries() {
    return ENTRIES;
  }

  /**
   * The variable of a dotted path such as {@code server.port}; fails for a path that is no field.
   */
  public static String of(String path) {
    return ENTRIES.stream()
        .filter(e -> e.path().equals(path))
        .findFirst()
        .map(Entry::variable)
        .orElseThrow(() -> new IllegalArgumentException("no agent.yaml field " + path));
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
