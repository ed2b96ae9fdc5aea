package io.pipool.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.extensions.CelExtensions;
import dev.cel.extensions.CelStringExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an API server (1.25 or later) would say about a pool's spec at admission, as far as the
 * committed CRD decides it: its defaults are filled in, every {@code x-kubernetes-validations} rule
 * is run with Google's CEL for Java with {@code self} bound at the rule's level, and the value
 * constraints (enum, pattern, maxLength, maxProperties, minimum, maximum) are checked. The rules
 * are found by walking the schema, so a new rule is covered without touching this class.
 */
final class CrdAdmission {

  /** One rule of the CRD, where it sits and what it says. */
  record Rule(
      String path,
      int index,
      String rule,
      String message,
      String messageExpression,
      String fieldPath) {

    /** How a test names the rule. */
    String id() {
      return path + " x-kubernetes-validations[" + index + "] (" + rule + ")";
    }
  }

  /** One refusal: the field the API server would name, its message, and the rule (if CEL). */
  record Refusal(String field, String message, Rule rule) {
    @Override
    public String toString() {
      return field + ": " + message;
    }
  }

  private record Compiled(Rule rule, CelRuntime.Program check, CelRuntime.Program message) {}

  /*
   * The Kubernetes base environment has the string extension at version 0 up to 1.28 and no
   * cross-type numeric comparisons before 1.28: a rule relying on either would fail there.
   */
  private static final CelOptions OPTIONS =
      CelOptions.current()
          .enableHeterogeneousNumericComparisons(false)
          .enableHomogeneousLiterals(true)
          .enableRegexPartialMatch(true)
          .build();
  private static final CelStringExtensions STRINGS_V0 =
      CelExtensions.strings(
          CelStringExtensions.Function.CHAR_AT,
          CelStringExtensions.Function.INDEX_OF,
          CelStringExtensions.Function.LAST_INDEX_OF,
          CelStringExtensions.Function.LOWER_ASCII,
          CelStringExtensions.Function.REPLACE,
          CelStringExtensions.Function.SPLIT,
          CelStringExtensions.Function.SUBSTRING,
          CelStringExtensions.Function.TRIM,
          CelStringExtensions.Function.UPPER_ASCII);

  private final JsonNode specSchema;
  private final Map<JsonNode, List<Compiled>> rulesBySchema = new IdentityHashMap<>();
  private final List<Rule> rules = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final Map<String, CelType> structs = new LinkedHashMap<>();
  private final Map<Rule, JsonNode> schemas = new LinkedHashMap<>();

  /** Compiles every rule under {@code spec} of the CRD's first version. */
  CrdAdmission(JsonNode crd) {
    specSchema =
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec");
    collect(specSchema, "spec");
  }

  /** Every CEL rule found, in schema order. */
  List<Rule> rules() {
    return List.copyOf(rules);
  }

  /** The schema a rule sits on. */
  JsonNode schemaOf(Rule rule) {
    return schemas.get(rule);
  }

  /** Rules that do not compile, have a bad fieldPath or a messageExpression that is no string. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /** Everything the API server would refuse in {@code spec} (a copy gets the defaults). */
  List<Refusal> review(JsonNode spec) {
    JsonNode withDefaults = spec.deepCopy();
    SchemaValues.applyDefaults(specSchema, withDefaults);
    List<Refusal> out = new ArrayList<>();
    visit(specSchema, withDefaults, "spec", out);
    return out;
  }

  private void collect(JsonNode schema, String path) {
    JsonNode validations = schema.path("x-kubernetes-validations");
    List<Compiled> compiled = new ArrayList<>();
    for (int i = 0; i < validations.size(); i++) {
      JsonNode v = validations.get(i);
      Rule rule =
          new Rule(
              path,
              i,
              v.path("rule").asText(),
              v.path("message").asText(null),
              v.path("messageExpression").asText(null),
              v.path("fieldPath").asText(null));
      rules.add(rule);
      schemas.put(rule, schema);
      compile(rule, schema, path).ifPresent(compiled::add);
    }
    rulesBySchema.put(schema, compiled);
    schema
        .path("properties")
        .fields()
        .forEachRemaining(f -> collect(f.getValue(), path + "." + f.getKey()));
    if (schema.has("additionalProperties")) {
      collect(schema.get("additionalProperties"), path + "[*]");
    }
    if (schema.has("items")) {
      collect(schema.get("items"), path + "[*]");
    }
  }

  private Optional<Compiled> compile(Rule rule, JsonNode schema, String path) {
    if (rule.fieldPath() != null && SchemaValues.resolve(schema, rule.fieldPath()) == null) {
      problems.add(rule.id() + ": fieldPath " + rule.fieldPath() + " names no field");
    }
    CelType self = celType(schema, "selfType" + path.replaceAll("[^A-Za-z0-9]", "_"));
    CelRuntime.Program check = program(rule, rule.rule(), self, SimpleType.BOOL);
    CelRuntime.Program message =
        rule.messageExpression() == null
            ? null
            : program(rule, rule.messageExpression(), self, SimpleType.STRING);
    if (check == null || (rule.messageExpression() != null && message == null)) {
      return Optional.empty();
    }
    return Optional.of(new Compiled(rule, check, message));
  }

  private CelRuntime.Program program(Rule rule, String source, CelType self, CelType result) {
    Cel cel =
        CelFactory.standardCelBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addCompilerLibraries(STRINGS_V0)
            .addRuntimeLibraries(STRINGS_V0)
            .setTypeProvider(types())
            .addVar("self", self)
            .setResultType(result)
            .build();
    CelValidationResult compiled = cel.compile(source);
    if (compiled.hasError()) {
      problems.add(rule.id() + ": " + source + " does not compile: " + compiled.getErrorString());
      return null;
    }
    try {
      CelAbstractSyntaxTree ast = compiled.getAst();
      return cel.createProgram(ast);
    } catch (Exception e) {
      problems.add(rule.id() + ": " + e.getMessage());
      return null;
    }
  }

  private CelTypeProvider types() {
    Map<String, CelType> known = Map.copyOf(structs);
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(known.values());
      }

      @Override
      public Optional<CelType> findType(String typeName) {
        return Optional.ofNullable(known.get(typeName));
      }
    };
  }

  private void visit(JsonNode schema, JsonNode value, String path, List<Refusal> out) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return;
    }
    SchemaValues.check(schema, value, path, out);
    for (Compiled c : rulesBySchema.getOrDefault(schema, List.of())) {
      evaluate(c, SchemaValues.celValue(schema, value), path, out);
    }
    if (value.isObject()) {
      value
          .fields()
          .forEachRemaining(
              f -> {
                JsonNode child = schema.path("properties").path(f.getKey());
                if (!child.isMissingNode()) {
                  visit(child, f.getValue(), path + "." + f.getKey(), out);
                } else if (schema.has("additionalProperties")) {
                  visit(
                      schema.get("additionalProperties"),
                      f.getValue(),
                      path + "[" + f.getKey() + "]",
                      out);
                }
              });
    }
    if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        visit(schema.get("items"), value.get(i), path + "[" + i + "]", out);
      }
    }
  }

  private static void evaluate(Compiled c, Object self, String path, List<Refusal> out) {
    Rule rule = c.rule();
    String where = SchemaValues.field(path, rule.fieldPath());
    try {
      if (Boolean.TRUE.equals(c.check().eval(Map.of("self", self)))) {
        return;
      }
      out.add(new Refusal(where, message(c, self), rule));
    } catch (CelEvaluationException e) {
      out.add(new Refusal(where, "rule failed to evaluate: " + e.getMessage(), rule));
    }
  }

  /**
   * As the API server does: the messageExpression unless it fails, is blank or has a line break.
   */
  private static String message(Compiled c, Object self) {
    String fallback =
        c.rule().message() != null ? c.rule().message() : "failed rule: " + c.rule().rule();
    if (c.message() == null) {
      return fallback;
    }
    try {
      Object text = c.message().eval(Map.of("self", self));
      return text instanceof String s && !s.isBlank() && !s.contains("\n") ? s : fallback;
    } catch (CelEvaluationException e) {
      return fallback;
    }
  }

  /**
   * The CEL type the API server declares for a value of this schema: an object with properties is a
   * struct type (so a misspelt field or an int compared with a double fails to compile, as it does
   * on the API server), a map of additionalProperties a map.
   */
  private CelType celType(JsonNode schema, String name) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      return SimpleType.DYN;
    }
    return switch (schema.path("type").asText()) {
      case "integer" -> SimpleType.INT;
      case "number" -> SimpleType.DOUBLE;
      case "string" -> SimpleType.STRING;
      case "boolean" -> SimpleType.BOOL;
      case "array" -> ListType.create(celType(schema.path("items"), name + ".@idx"));
      case "object" -> objectType(schema, name);
      default -> SimpleType.DYN;
    };
  }

  private CelType objectType(JsonNode schema, String name) {
    if (schema.has("additionalProperties")) {
      return MapType.create(
          SimpleType.STRING, celType(schema.get("additionalProperties"), name + ".@elem"));
    }
    if (!schema.has("properties")) {
      return MapType.create(SimpleType.STRING, SimpleType.DYN);
    }
    Map<String, CelType> fields = new LinkedHashMap<>();
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            f -> fields.put(f.getKey(), celType(f.getValue(), name + "." + f.getKey())));
    StructType type =
        StructType.create(
            name, ImmutableSet.copyOf(fields.keySet()), f -> Optional.ofNullable(fields.get(f)));
    structs.put(name, type);
    return type;
  }
}
