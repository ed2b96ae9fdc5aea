package io.pipool.api.validation;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads a pool's spec so that a value of the wrong type or outside an enum (possible wherever the
 * API server does not enforce the CRD's schema, such as the simulator's in-memory API server)
 * becomes a {@link Violation} naming the spec path ({@code spec.server.mode}), the value and the
 * allowed values, instead of a Jackson error naming Java types that leaves the pool unreadable. The
 * offending field is dropped (its default applies) and {@link SpecValidator} reports it, so the
 * operator sets Valid=False and touches nothing.
 */
public final class SpecReader extends JsonDeserializer<PiServerPoolSpec> {

  private static final int MOST_PROBLEMS = 32;

  @Override
  public PiServerPoolSpec deserialize(JsonParser parser, DeserializationContext context)
      throws IOException {
    JsonNode tree = parser.readValueAsTree();
    List<Violation> problems = new ArrayList<>();
    while (true) {
      try {
        PiServerPoolSpec spec = context.readTreeAsValue(tree, PiServerPoolSpec.class);
        spec.setParseViolations(problems);
        return spec;
      } catch (JsonMappingException e) {
        Violation problem = violation(tree, e);
        if (problems.size() >= MOST_PROBLEMS || !drop(tree, e.getPath())) {
          throw e;
        }
        problems.add(problem);
      }
    }
  }

  /** The violation a mapping error stands for; the offending value is still in {@code tree}. */
  static Violation violation(JsonNode tree, JsonMappingException e) {
    StringBuilder path = new StringBuilder("spec");
    JsonNode at = tree;
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
        at = at.path(r.getIndex());
      } else if (r.getFrom() instanceof Map<?, ?>) {
        path.append('[').append(r.getFieldName()).append(']');
        at = at.path(r.getFieldName());
      } else {
        path.append('.').append(r.getFieldName());
        at = at.path(r.getFieldName());
      }
    }
    // JSON text is one line already (its strings escape control characters)
    String shown = at.isTextual() ? Printable.quote(at.asText()) : at.toString();
    Class<?> target =
        e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
            ? m.getTargetType()
            : null;
    return new Violation(Printable.escape(path.toString()), shown, allowed(target));
  }

  private static String allowed(Class<?> target) {
    if (target == null) {
      return "a value of the type the CRD gives (see kubectl explain piserverpool.spec)";
    }
    if (target.isEnum()) {
      List<String> names =
          Arrays.stream(target.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
      return names.size() == 1
          ? names.get(0)
          : names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
              + " or "
              + names.get(names.size() - 1);
    }
    if (target == Integer.class || target == int.class || target == Long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(target) || target == double.class) {
      return "a number";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "true or false";
    }
    if (target == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(target) || target.isArray()) {
      return "a list";
    }
    return Map.class.isAssignableFrom(target) ? "a map of names to values" : "an object";
  }

  /** Removes the value a mapping error points at, so the rest of the spec can be read. */
  private static boolean drop(JsonNode tree, List<JsonMappingException.Reference> path) {
    if (path.isEmpty()) {
      return false;
    }
    JsonNode parent = tree;
    for (JsonMappingException.Reference r : path.subList(0, path.size() - 1)) {
      parent = r.getIndex() >= 0 ? parent.path(r.getIndex()) : parent.path(r.getFieldName());
    }
    JsonMappingException.Reference last = path.get(path.size() - 1);
    if (parent instanceof ArrayNode array && last.getIndex() >= 0) {
      return array.remove(last.getIndex()) != null;
    }
    return parent instanceof ObjectNode object && object.remove(last.getFieldName()) != null;
  }
}
