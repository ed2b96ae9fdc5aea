package io.pipool.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Turns what Jackson cannot bind (an unknown field, a word where a number belongs, an unknown enum
 * value) into a problem naming the field and what is allowed, and lets binding go on with the
 * field's default, so that one run reports every problem.
 */
final class ProblemCollector extends DeserializationProblemHandler {

  private final List<String> problems;

  ProblemCollector(List<String> problems) {
    this.problems = problems;
  }

  @Override
  public boolean handleUnknownProperty(
      DeserializationContext ctxt,
      JsonParser p,
      JsonDeserializer<?> deserializer,
      Object beanOrClass,
      String propertyName)
      throws IOException {
    problems.add(
        "unknown field \""
            + path(p.getParsingContext())
            + "\"; allowed fields here: "
            + deserializer.getKnownPropertyNames().stream()
                .map(Object::toString)
                .sorted()
                .toList());
    p.skipChildren();
    return true;
  }

  @Override
  public Object handleWeirdStringValue(
      DeserializationContext ctxt, Class<?> targetType, String value, String failureMsg) {
    return refuse(ctxt, "\"" + value + "\"", targetType);
  }

  @Override
  public Object handleWeirdNumberValue(
      DeserializationContext ctxt, Class<?> targetType, Number value, String failureMsg) {
    return refuse(ctxt, String.valueOf(value), targetType);
  }

  /** Records the problem; null lets the field keep its default. */
  private Object refuse(DeserializationContext ctxt, String shown, Class<?> targetType) {
    problems.add(
        path(ctxt.getParser().getParsingContext()) + ": " + shown + " " + allowed(targetType));
    return null;
  }

  @Override
  public Object handleUnexpectedToken(
      DeserializationContext ctxt,
      JavaType targetType,
      JsonToken t,
      JsonParser p,
      String failureMsg)
      throws IOException {
    return wrongShape(p, targetType.getRawClass());
  }

  @Override
  public Object handleMissingInstantiator(
      DeserializationContext ctxt,
      Class<?> instClass,
      ValueInstantiator valueInsta,
      JsonParser p,
      String msg)
      throws IOException {
    return wrongShape(p, instClass);
  }

  /** A list, mapping or scalar where something else belongs: skipped, the default kept. */
  private Object wrongShape(JsonParser p, Class<?> targetType) throws IOException {
    JsonToken t = p.currentToken();
    boolean container = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY;
    String found =
        t == JsonToken.START_OBJECT
            ? "a mapping"
            : t == JsonToken.START_ARRAY ? "a list" : p.getText();
    // at the start of a container the parser's context is already the container's own
    JsonStreamContext where = container ? p.getParsingContext().getParent() : p.getParsingContext();
    problems.add(path(where) + ": " + found + " " + allowed(targetType));
    p.skipChildren();
    return null;
  }

  /** A binding error no handler took, as a problem. */
  static String describe(IOException e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String path =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      return path + ": " + m.getOriginalMessage();
    }
    return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.toString();
  }

  private static String allowed(Class<?> type) {
    if (type.isEnum()) {
      return "is not allowed; allowed are "
          + Arrays.stream(type.getEnumConstants())
              .map(Object::toString)
              .collect(Collectors.joining(", "));
    }
    if (type == Boolean.class || type == boolean.class) {
      return "is not allowed; allowed are true, false";
    }
    if (type.isRecord()) {
      return "is not allowed; allowed is a mapping of fields";
    }
    String name =
        type == Integer.class ? "whole number" : type.getSimpleName().toLowerCase(Locale.ROOT);
    return "is not a valid " + name;
  }

  /** The dotted path of the value the parser is at. */
  private static String path(JsonStreamContext ctx) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.addFirst("[" + c.getCurrentIndex() + "]");
      } else if (c.getCurrentName() != null) {
        parts.addFirst(c.getCurrentName());
      }
    }
    return String.join(".", parts);
  }
}
