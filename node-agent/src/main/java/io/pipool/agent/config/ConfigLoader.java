package io.pipool.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.pipool.api.agent.AgentConfig;
import io.pipool.api.agent.AgentVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the agent's configuration: agent.yaml, with the environment variables of {@link
 * AgentVariables} laid over it, bound to {@link AgentConfig} and checked; every problem of the
 * file, the variables and the values is reported at once in one {@link ConfigException}.
 */
public final class ConfigLoader {

  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS).build();

  private ConfigLoader() {}

  /** Reads {@code file} (none: the defaults) with {@code env} laid over it. */
  public static AgentConfig load(Path file, Map<String, String> env) {
    if (file == null) {
      return parse("", "defaults", env);
    }
    try {
      return parse(Files.readString(file), file.toString(), env);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
    }
  }

  /** Parses YAML text ({@code source} names it in messages) with {@code env} laid over it. */
  public static AgentConfig parse(String yaml, String source, Map<String, String> env) {
    ObjectNode root;
    try {
      JsonNode tree = yaml.isBlank() ? null : YAML.readTree(yaml);
      if (tree == null || tree.isNull() || tree.isMissingNode()) {
        root = YAML.createObjectNode();
      } else if (tree instanceof ObjectNode object) {
        root = object;
      } else {
        throw new ConfigException(source + ": expected a mapping of fields, found " + tree);
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + ": " + e.getOriginalMessage());
    }
    List<String> problems = new ArrayList<>();
    Map<String, String> fromEnv = overlay(root, env, problems);
    ProblemCollector collector = new ProblemCollector(problems);
    ObjectReader reader = YAML.readerFor(AgentConfig.class).withHandler(collector);
    AgentConfig config = AgentConfig.DEFAULTS;
    try {
      config = reader.readValue(root);
    } catch (IOException e) {
      problems.add(ProblemCollector.describe(e));
    }
    problems.addAll(config.problems());
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.stream().map(p -> withVariable(p, fromEnv)).toList());
    }
    return config;
  }

  /** Lays the variables that are set over {@code root}; returns path to variable for each. */
  private static Map<String, String> overlay(
      ObjectNode root, Map<String, String> env, List<String> problems) {
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (AgentVariables.Entry e : AgentVariables.entries()) {
      String value = env.get(e.variable());
      if (value == null) {
        continue;
      }
      fromEnv.put(e.path(), e.variable());
      ObjectNode target = e.section() == null ? root : section(root, e.section());
      if (target == null) {
        continue; // the section's wrong type is reported when the tree is bound
      }
      if (e.isMap()) {
        target.set(e.field(), pairs(e.path(), value, problems));
      } else {
        target.put(e.field(), value.trim());
      }
    }
    // the bind addresses' default depends on the pod: its IP when the downward API gives it
    for (String path : AgentVariables.POD_IP_FIELDS) {
      String[] field = path.split("\\.");
      ObjectNode server = section(root, field[0]);
      if (server != null && !server.hasNonNull(field[1])) {
        String podIp = env.getOrDefault(AgentVariables.POD_IP, "").trim();
        server.put(field[1], podIp.isEmpty() ? AgentConfig.Server.DEFAULT_HOST : podIp);
        if (!podIp.isEmpty()) {
          fromEnv.put(path, AgentVariables.POD_IP);
        }
      }
    }
    return fromEnv;
  }

  /** The section's object, made when absent; null when the file has something else there. */
  private static ObjectNode section(ObjectNode root, String name) {
    JsonNode existing = root.get(name);
    if (existing instanceof ObjectNode object) {
      return object;
    }
    return existing == null || existing.isNull() ? root.putObject(name) : null;
  }

  /** {@code name=value,name=value} as an object, in order. */
  private static ObjectNode pairs(String path, String value, List<String> problems) {
    ObjectNode out = YAML.createObjectNode();
    for (String item : value.split(",")) {
      if (item.isBlank()) {
        continue;
      }
      String[] kv = item.split("=", 2);
      if (kv.length != 2) {
        problems.add(
            path + ": \"" + item.trim() + "\" is not name=value; allowed is name=value,name=value");
      } else {
        out.put(kv[0].trim(), kv[1].trim());
      }
    }
    return out;
  }

  /** Names the variable a problem's field came from, when it came from one. */
  private static String withVariable(String problem, Map<String, String> fromEnv) {
    for (Map.Entry<String, String> e : fromEnv.entrySet()) {
      if (problem.startsWith(e.getKey() + ":") || problem.startsWith(e.getKey() + " ")) {
        return problem + " (from " + e.getValue() + ")";
      }
    }
    return problem;
  }
}
