package io.pipool.api.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.validation.SpecValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CEL rule of the committed CRD, run with Google's CEL for Java against pools a user might
 * apply: each valid pool passes every rule, each invalid one is refused with exactly the messages a
 * 1.25+ API server would print, and every rule refuses at least one pool. A rule added to the CRD
 * without a pool it refuses fails {@link #everyRuleRefusesAtLeastOnePool()}.
 */
class CrdCelRulesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAMES_REFUSED = " is not allowed; allowed: " + SysctlRules.ALLOWED;

  private static CrdAdmission admission;

  /** A pool's spec, what the API server should say about it, and a name for the report. */
  record Pool(String name, ObjectNode spec, List<String> refusals) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void load() throws IOException {
    JsonNode crd =
        PublishedCrd.YAML.readTree(Files.readString(PublishedCrd.committedCopies().get(0)));
    admission = new CrdAdmission(crd);
  }

  static Stream<Pool> pools() {
    return Stream.of(
        valid("defaults only"),
        valid(
            "autoscaling within bounds", "autoscaling", Map.of("minReplicas", 2, "maxReplicas", 3)),
        valid("autoscaling without a maximum", "autoscaling", Map.of("minReplicas", 4)),
        refused(
            "autoscaling minimum above maximum",
            List.of("spec.autoscaling.minReplicas: minReplicas must not exceed maxReplicas"),
            "autoscaling",
            Map.of("minReplicas", 5, "maxReplicas", 3)),
        valid(
            "connections and requests per second",
            "autoscaling",
            Map.of(
                "metrics",
                List.of(
                    Map.of("type", "Connections", "target", 3000),
                    Map.of("type", "RequestsPerSecond", "target", 50, "tolerance", 0.2)))),
        refused(
            "the same metric twice",
            List.of(
                "spec.autoscaling.metrics: each metric type (Connections, RequestsPerSecond) may"
                    + " be listed once"),
            "autoscaling",
            Map.of(
                "metrics",
                List.of(
                    Map.of("type", "RequestsPerSecond", "target", 50),
                    Map.of("type", "RequestsPerSecond", "target", 80)))),
        valid("proxy with upstream", "server", Map.of("mode", "Proxy", "upstream", "http://b:80")),
        refused(
            "proxy upstream with a space in its path",
            List.of("spec.server.upstream: \"http://b:80/a b\" in body should match"),
            "server",
            Map.of("mode", "Proxy", "upstream", "http://b:80/a b")),
        refused(
            "proxy without upstream",
            List.of("spec.server.upstream: upstream is required when mode is Proxy"),
            "server",
            Map.of("mode", "Proxy")),
        refused(
            "static without content",
            List.of("spec.server.staticConfigMap: staticConfigMap is required when mode is Static"),
            "server",
            Map.of("mode", "Static")),
        refused(
            "traffic port equal to the defaulted admin port",
            List.of("spec.server.adminPort: port and adminPort must differ"),
            "server",
            Map.of("port", 9090)),
        refused(
            "node port on the defaulted ClusterIP type",
            List.of("spec.service.nodePort: nodePort needs type NodePort or LoadBalancer"),
            "service",
            Map.of("nodePort", 30080)),
        valid("node port on NodePort", "service", Map.of("type", "NodePort", "nodePort", 30080)),
        valid("thermal defaults", "thermal", Map.of()),
        valid("thermal thresholds written as integers", "thermal", Map.of("drainCelsius", 70)),
        refused(
            "resume above the defaulted drain",
            List.of("spec.thermal: thresholds must satisfy"),
            "thermal",
            Map.of("resumeCelsius", 78)),
        valid(
            "tuned sysctls",
            "sysctls",
            Map.of(
                "values",
                Map.of(
                    "net.core.somaxconn", "8192",
                    "net.ipv4.tcp_rmem", "4096 87380 6291456",
                    "net.ipv4.tcp_fin_timeout", "15",
                    "net.netfilter.nf_conntrack_max", "262144",
                    "net.ipv4.ip_forward", "0",
                    "fs.nr_open", "1048576",
                    "fs.file-max", "9223372036854775807"))),
        validSysctl("port range with a tab", SysctlRules.PORT_RANGE, "1024\t65535"),
        validSysctl("fs.nr_open with leading zeros", SysctlRules.NR_OPEN, "000000000001048576"),
        validSysctl("port range with extra spaces", SysctlRules.PORT_RANGE, " 1024  65535 "),
        refusedName("kernel sysctl", "kernel.panic", "sysctl \"kernel.panic\"" + NAMES_REFUSED),
        refusedName("vm sysctl", "vm.swappiness", "sysctl \"vm.swappiness\"" + NAMES_REFUSED),
        refusedName(
            "path traversal in a name",
            "net.core.somaxconn/../../../kernel/panic",
            "sysctl \"net.core.somaxconn/../../../kernel/panic\"" + NAMES_REFUSED),
        refusedName(
            "newline in a name",
            "net.core.somaxconn\nkernel.panic",
            "sysctl name with control characters or over 64 characters" + NAMES_REFUSED),
        refusedValue(
            "garbage value", "net.core.somaxconn", "lots", pattern("net.core.somaxconn", "lots")),
        refusedValue(
            "newline smuggled into a value",
            "net.core.somaxconn",
            "4096\nkernel.panic=1",
            pattern("net.core.somaxconn", "4096\\nkernel.panic=1")),
        refusedValue(
            "trailing newline",
            "net.core.somaxconn",
            "4096\n",
            pattern("net.core.somaxconn", "4096\\n")),
        refusedValue("inverted port range", SysctlRules.PORT_RANGE, "65535 1024", ports()),
        refusedValue("port above 65535", SysctlRules.PORT_RANGE, "1024 70000", ports()),
        refusedValue("port zero", SysctlRules.PORT_RANGE, "0 1000", ports()),
        refusedValue("one port only", SysctlRules.PORT_RANGE, "1024", ports()),
        refused(
            "garbage port range",
            List.of(pattern(SysctlRules.PORT_RANGE, "low-high"), ports()),
            "sysctls",
            Map.of("values", Map.of(SysctlRules.PORT_RANGE, "low-high"))),
        refusedValue(
            "ip_forward 2",
            SysctlRules.IP_FORWARD,
            "2",
            "spec.sysctls.values[net.ipv4.ip_forward]: net.ipv4.ip_forward is invalid; allowed: 0"
                + " or 1"),
        refusedValue(
            "fs.nr_open below 1024",
            SysctlRules.NR_OPEN,
            "12",
            "spec.sysctls.values[fs.nr_open]: fs.nr_open is invalid; allowed: integers from 1024"),
        refusedValue(
            "fs.nr_open above the kernel's limit",
            SysctlRules.NR_OPEN,
            "2000000000",
            "spec.sysctls.values[fs.nr_open]: fs.nr_open is invalid"),
        refusedValue(
            "fs.file-max just past 64 bits (refused, not an evaluation error)",
            SysctlRules.FILE_MAX,
            "9223372036854775808",
            "spec.sysctls.values[fs.file-max]: fs.file-max is invalid; allowed: integers from"
                + " 1024"),
        refused(
            "a value longer than 64 characters",
            List.of("spec.sysctls.values[net.ipv4.tcp_rmem]: Too long: may not be longer than 64"),
            "sysctls",
            Map.of("values", Map.of("net.ipv4.tcp_rmem", "1 ".repeat(32) + "1"))),
        refused(
            "more than 64 sysctls",
            List.of("spec.sysctls.values: Too many: 65: must have at most 64 items"),
            "sysctls",
            Map.of("values", manyValues(SysctlRules.MAX_VALUES + 1))));
  }

  @Test
  void everyRuleCompilesWithAValidFieldPath() {
    assertThat(admission.rules()).as("CEL rules found in the committed CRD").hasSizeGreaterThan(8);
    assertThat(admission.problems()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void theApiServerSaysExactlyThis(Pool pool) {
    List<CrdAdmission.Refusal> said = admission.review(pool.spec());
    assertThat(said).as("refusals of %s", pool.spec()).hasSameSizeAs(pool.refusals());
    for (String expected : pool.refusals()) {
      assertThat(said).map(CrdAdmission.Refusal::toString).anyMatch(s -> s.contains(expected));
    }
    said.forEach(r -> assertThat(r.message()).doesNotContain("\n", "failed to evaluate"));
  }

  /** The operator's validator is the second line: it refuses exactly the pools the CRD refuses. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("pools")
  void theOperatorsValidatorAgrees(Pool pool) throws IOException {
    PiServerPoolSpec spec = JSON.treeToValue(pool.spec(), PiServerPoolSpec.class);
    assertThat(SpecValidator.validate(spec).isEmpty())
        .as("validator accepts %s: %s", pool.spec(), SpecValidator.validate(spec))
        .isEqualTo(pool.refusals().isEmpty());
  }

  @Test
  void everyRuleRefusesAtLeastOnePool() {
    Set<CrdAdmission.Rule> refusing = new LinkedHashSet<>();
    pools()
        .forEach(
            p ->
                admission.review(p.spec()).stream()
                    .map(CrdAdmission.Refusal::rule)
                    .filter(r -> r != null)
                    .forEach(refusing::add));
    assertThat(admission.rules())
        .as("rules without a pool they refuse: add one to pools()")
        .allMatch(refusing::contains, "refuses a pool in pools()");
  }

  /**
   * The API server estimates a rule's worst-case cost from the schema and refuses the CRD when it
   * is over budget; an unbounded map or string makes any rule that iterates over it too costly. A
   * rule that iterates may only see maps and lists with a maximum size and strings with a maximum
   * length (or an enum).
   */
  @Test
  void rulesThatIterateSeeOnlyBoundedMapsListsAndStrings() {
    List<String> unbounded = new java.util.ArrayList<>();
    for (CrdAdmission.Rule rule : admission.rules()) {
      if (rule.rule().matches("(?s).*\\.(all|exists|exists_one|filter|map)\\(.*")) {
        SchemaValues.unbounded(admission.schemaOf(rule), rule.path(), unbounded);
      }
    }
    assertThat(unbounded).as("fields without maxProperties, maxItems or maxLength").isEmpty();
  }

  private static Pool valid(String name, Object... fieldsAndValues) {
    return new Pool(name, spec(fieldsAndValues), List.of());
  }

  private static Pool refused(String name, List<String> refusals, Object... fieldsAndValues) {
    return new Pool(name, spec(fieldsAndValues), refusals);
  }

  private static Pool validSysctl(String name, String sysctl, String value) {
    return valid(name, "sysctls", Map.of("values", Map.of(sysctl, value)));
  }

  private static Pool refusedName(String name, String sysctl, String message) {
    return refused(
        name,
        List.of("spec.sysctls.values: " + message),
        "sysctls",
        Map.of("values", Map.of(sysctl, "1")));
  }

  private static Pool refusedValue(String name, String sysctl, String value, String refusal) {
    return refused(name, List.of(refusal), "sysctls", Map.of("values", Map.of(sysctl, value)));
  }

  /** The schema pattern's refusal of a sysctl's value, the value as JSON shows it. */
  private static String pattern(String sysctl, String shownValue) {
    return "spec.sysctls.values[" + sysctl + "]: \"" + shownValue + "\" in body should match";
  }

  private static String ports() {
    return "spec.sysctls.values[net.ipv4.ip_local_port_range]: net.ipv4.ip_local_port_range is"
        + " invalid; allowed: two port numbers \"low high\" with 1 <= low < high <= 65535";
  }

  private static ObjectNode spec(Object... fieldsAndValues) {
    ObjectNode spec = JSON.createObjectNode();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      spec.set((String) fieldsAndValues[i], JSON.valueToTree(fieldsAndValues[i + 1]));
    }
    return spec;
  }

  private static Map<String, String> manyValues(int n) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      values.put("net.core.knob_" + i, "1");
    }
    return values;
  }
}
