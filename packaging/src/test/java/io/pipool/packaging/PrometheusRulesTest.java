package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own checks of pi-pool's alerts: `promtool check rules` on every PrometheusRule the
 * chart and manifests/ install, and `promtool test rules` with unit tests in which every alert
 * fires when it should and stays silent when it should not
 * (src/test/resources/prometheus/pi-pool-alerts.test.yaml).
 *
 * <p>promtool comes from Debian's prometheus package ($PIPOOL_PROMTOOL, the PATH, or where
 * .ci/images unpacks it). Without it the tests are skipped with the reason printed; with {@code
 * PIPOOL_PROMTOOL_TESTS=required} (CI) they fail instead.
 */
class PrometheusRulesTest {

  private static final String RULES_FILE = "pi-pool-alerts.rules.yaml";
  private static final String TESTS = "/prometheus/pi-pool-alerts.test.yaml";
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir static Path tmp;

  private static String promtool;

  @BeforeAll
  static void findPromtool() {
    List<String> candidates = new ArrayList<>();
    String env = System.getenv("PIPOOL_PROMTOOL");
    if (env != null && !env.isBlank()) {
      candidates.add(env);
    }
    candidates.add("promtool");
    candidates.add(System.getProperty("user.home") + "/.cache/pi-pool/promtool/usr/bin/promtool");
    for (String candidate : candidates) {
      try {
        if (Podman.exec(List.of(candidate, "--version"), 30).exit() == 0) {
          promtool = candidate;
          return;
        }
      } catch (IOException notThere) {
        // try the next one
      }
    }
    String reason =
        "promtool tests skipped: no promtool (Debian's prometheus package; .ci/images unpacks it)";
    if ("required".equals(System.getenv("PIPOOL_PROMTOOL_TESTS"))) {
      throw new AssertionError(reason + " (PIPOOL_PROMTOOL_TESTS=required)");
    }
    System.out.println("[pi-pool] " + reason);
    Assumptions.abort(reason);
  }

  /**
   * The chart's rule groups with its defaults (hotCelsius 75, for 5m), as Prometheus reads them.
   */
  private static JsonNode chartRules() {
    Objects objects =
        Objects.parse(Chart.render(tmp, "metrics: {prometheusRule: {enabled: true}}"));
    return objects.single("PrometheusRule").path("spec");
  }

  /** Every PrometheusRule in manifests/, by file. */
  private static List<JsonNode> manifestRules() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Repo.path("manifests"))) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        out.addAll(Objects.parse(Files.readString(f)).ofKind("PrometheusRule"));
      }
    }
    return out;
  }

  private static Path write(String name, JsonNode spec) throws IOException {
    Path file = tmp.resolve(name);
    YAML.writeValue(file.toFile(), spec);
    return file;
  }

  @Test
  void everyRuleTheChartAndManifestsInstallPassesPromtoolCheck() throws IOException {
    List<String> command = new ArrayList<>(List.of(promtool, "check", "rules"));
    command.add(write("chart.rules.yaml", chartRules()).toString());
    List<JsonNode> manifests = manifestRules();
    for (int i = 0; i < manifests.size(); i++) {
      command.add(
          write("manifests-" + i + ".rules.yaml", manifests.get(i).path("spec")).toString());
    }
    Podman.Run check = Podman.exec(command, 60);
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 6 rules found").doesNotContain("WARNING");
  }

  @Test
  void everyAlertFiresWhenItShouldAndStaysSilentWhenItShouldNot() throws IOException {
    write(RULES_FILE, chartRules());
    Path tests = tmp.resolve("pi-pool-alerts.test.yaml");
    try (InputStream in = PrometheusRulesTest.class.getResourceAsStream(TESTS)) {
      assertThat(in).as(TESTS).isNotNull();
      Files.copy(in, tests);
    }
    Podman.Run run = Podman.exec(List.of(promtool, "test", "rules", tests.toString()), 120);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");

    // every alert has a case where it fires and one where it must not (yet)
    Set<String> alerts = new TreeSet<>(chartRules().findValuesAsText("alert"));
    Set<String> fires = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode test : YAML.readTree(tests.toFile()).path("tests")) {
      for (JsonNode t : test.path("alert_rule_test")) {
        (t.path("exp_alerts").isEmpty() ? silent : fires).add(t.path("alertname").asText());
      }
    }
    assertThat(alerts).hasSize(6);
    assertThat(fires).as("alerts with a firing case").isEqualTo(alerts);
    assertThat(silent).as("alerts with a silent case").isEqualTo(alerts);
  }
}
