package io.pipool.simulator.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386) turned into a JSON patch (RFC 6902) against the stored object. The
 * mock server's own merge-patch handling appends to lists instead of replacing them, which would
 * pile up pod conditions and container statuses; its JSON patch handling is right.
 */
final class MergePatch {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private MergePatch() {}

  /** RFC 7386: the result of merging {@code patch} into {@code target} (target is not changed). */
  static JsonNode merge(JsonNode target, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      return patch;
    }
    ObjectNode out =
        target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : F.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      if (e.getValue().isNull()) {
        out.remove(e.getKey());
      } else {
        out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
      }
    }
    return out;
  }

  /**
   * JSON patch operations that give {@code current} the result of the merge patch, one per
   * top-level field the patch touches; with {@code statusOnly} only the status field (a patch of
   * the status subresource ignores everything else).
   */
  static ArrayNode toJsonPatch(JsonNode current, JsonNode patch, boolean statusOnly) {
    ArrayNode ops = F.arrayNode();
    if (patch == null || !patch.isObject()) {
      return ops;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      String key = e.getKey();
      if (statusOnly && !key.equals("status")) {
        continue;
      }
      String path = "/" + key.replace("~", "~0").replace("/", "~1");
      if (e.getValue().isNull()) {
        if (current.has(key)) {
          ops.add(F.objectNode().put("op", "remove").put("path", path));
        }
      } else {
        ops.add(
            F.objectNode()
                .put("op", "add")
                .put("path", path)
                .set("value", merge(current.get(key), e.getValue())));
      }
    }
    return ops;
  }
}
