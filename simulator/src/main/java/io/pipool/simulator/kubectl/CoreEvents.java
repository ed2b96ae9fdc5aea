package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The core/v1 view of Events. A real API server stores one kind of Event and serves it through both
 * core/v1 and events.k8s.io/v1; the mock keeps the two apart, so the operator's events.k8s.io
 * Events would never reach {@code kubectl describe}, which lists core/v1 Events with an {@code
 * involvedObject.*} field selector. This converts them as the API server does and applies the field
 * selector.
 */
final class CoreEvents {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String EVENTS_V1 = "events.k8s.io/v1";

  private CoreEvents() {}

  /**
   * A core/v1 EventList of the Events in both lists (events.k8s.io/v1 ones converted, each once)
   * that match {@code fieldSelector}, oldest first.
   */
  static ObjectNode list(List<JsonNode> core, List<JsonNode> eventsV1, String fieldSelector) {
    FieldSelector selector = FieldSelector.parse(fieldSelector);
    List<JsonNode> all = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    // the mock matches Events by kind alone, so either list may hold either version
    for (List<JsonNode> source : List.of(core, eventsV1)) {
      for (JsonNode e : source) {
        if (seen.add(e.path("metadata").path("uid").asText())) {
          all.add(EVENTS_V1.equals(e.path("apiVersion").asText()) ? toCore(e) : e);
        }
      }
    }
    ObjectNode list = NODES.objectNode();
    list.put("kind", "EventList");
    list.put("apiVersion", "v1");
    list.putObject("metadata");
    ArrayNode items = list.putArray("items");
    all.stream()
        .filter(selector::matches)
        .sorted(Comparator.comparing(CoreEvents::when))
        .forEach(items::add);
    return list;
  }

  /** An events.k8s.io/v1 Event as core/v1 shows it. */
  static ObjectNode toCore(JsonNode e) {
    ObjectNode c = NODES.objectNode();
    c.put("kind", "Event");
    c.put("apiVersion", "v1");
    c.set("metadata", e.path("metadata").deepCopy());
    copy(e, "regarding", c, "involvedObject");
    copy(e, "related", c, "related");
    copy(e, "reason", c, "reason");
    copy(e, "note", c, "message");
    copy(e, "type", c, "type");
    copy(e, "action", c, "action");
    copy(e, "eventTime", c, "eventTime");
    copy(e, "series", c, "series");
    copy(e, "reportingController", c, "reportingComponent");
    copy(e, "reportingInstance", c, "reportingInstance");
    copy(e, "deprecatedSource", c, "source");
    copy(e, "deprecatedFirstTimestamp", c, "firstTimestamp");
    copy(e, "deprecatedLastTimestamp", c, "lastTimestamp");
    copy(e, "deprecatedCount", c, "count");
    if (!c.has("source")) {
      c.putObject("source");
    }
    return c;
  }

  private static void copy(JsonNode from, String field, ObjectNode to, String as) {
    JsonNode v = from.get(field);
    if (v != null && !v.isNull()) {
      to.set(as, v.deepCopy());
    }
  }

  private static String when(JsonNode e) {
    JsonNode series = e.path("series").path("lastObservedTime");
    if (series.isTextual()) {
      return series.asText();
    }
    for (String f : List.of("eventTime", "lastTimestamp", "firstTimestamp")) {
      if (e.path(f).isTextual()) {
        return e.path(f).asText();
      }
    }
    return e.path("metadata").path("creationTimestamp").asText();
  }
}
