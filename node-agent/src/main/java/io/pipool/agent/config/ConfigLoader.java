package io.pipool.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pipool.api.agent.AgentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads agent.yaml with Jackson YAML and lays the environment variables over it. */
public final class ConfigLoader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ConfigLoader() {}

  /** Reads the file; an empty file is an empty configuration. */
  public static AgentConfig read(Path file) {
    try {
      String text = Files.readString(file);
      return parse(text, file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** Parses YAML text; {@code source} names it in messages. */
  public static AgentConfig parse(String yaml, String source) {
    if (yaml.isBlank()) {
      return empty();
    }
    try {
      AgentConfig config = YAML.readValue(yaml, AgentConfig.class);
      return config == null ? empty() : config;
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + describe(e, false));
    }
  }

  /** The configuration with every setting unset. */
  public static AgentConfig empty() {
    return new AgentConfig(null, null, null, null, null, null, null, null, null);
  }

  /** The configuration with every variable named in {@link EnvMapping} laid over it. */
  public static AgentConfig overlay(AgentConfig base, Map<String, String> env) {
    ObjectNode root = YAML.valueToTree(base == null ? empty() : base);
    boolean changed = false;
    for (EnvMapping.Entry e : EnvMapping.entries()) {
      String value = env.get(e.variable());
      if (value == null) {
        continue;
      }
      changed = true;
      ObjectNode target = e.section() == null ? root : section(root, e.section());
      if (e.isMap()) {
        target.set(e.field(), YAML.valueToTree(parseMap(e, value)));
      } else {
        target.put(e.field(), value.trim());
      }
    }
    if (!changed) {
      return base == null ? empty() : base;
    }
    try {
      return YAML.treeToValue(root, AgentConfig.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException(describe(e, true));
    }
  }

  private static ObjectNode section(ObjectNode root, String name) {
    if (root.get(name) instanceof ObjectNode existing) {
      return existing;
    }
    return root.putObject(name);
  }

  private static Map<String, String> parseMap(EnvMapping.Entry e, String value) {
    try {
      return java.util.Arrays.stream(value.split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .map(s -> s.split("=", 2))
          .peek(
              kv -> {
                if (kv.length != 2) {
                  throw new IllegalArgumentException(String.join("=", kv));
                }
              })
          .collect(
              Collectors.toMap(
                  kv -> kv[0].trim(),
                  kv -> kv[1].trim(),
                  (a, b) -> b,
                  java.util.LinkedHashMap::new));
    } catch (IllegalArgumentException bad) {
      throw new ConfigException(
          e.variable()
              + ": \""
              + bad.getMessage()
              + "\" is not name=value; allowed is name=value,name=value");
    }
  }

  private static String describe(JsonProcessingException e, boolean fromEnv) {
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field \""
          + path(u)
          + "\"; allowed fields here: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
    }
    if (e instanceof InvalidFormatException f) {
      String where = fromEnv ? EnvMapping.variableFor(path(f)) + " (" + path(f) + ")" : path(f);
      return where
          + ": \""
          + f.getValue()
          + "\" is not a valid "
          + f.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return path(m) + ": " + m.getOriginalMessage();
    }
    return e.getOriginalMessage();
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
