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
 * <p>manifests/monitoring/ holds the same rules for installs without Helm (HelmChartTest).
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

  private static Path write(String name, JsonNode spec) throws IOException {
    Path file = tmp.resolve(name);
    YAML.writeValue(file.toFile(), spec);
    return file;
  }

  @Test
  void everyRuleTheChartAndManifestsInstallPassesPromtoolCheck() throws IOException {
    List<String> command = new ArrayList<>(List.of(promtool, "check", "rules"));
    command.add(write("chart.rules.yaml", Chart.rules(tmp)).toString());
    List<JsonNode> manifests = Chart.manifestRules();
    for (int i = 0; i < manifests.size(); i++) {
      command.add(
          write("manifests-" + i + ".rules.yaml", manifests.get(i).path("spec")).toString());
    }
    assertThat(manifests).as("PrometheusRules in manifests/").isNotEmpty();
    Podman.Run check = Podman.exec(command, 60);
    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output().split("SUCCESS: 6 rules found", -1)).hasSize(manifests.size() + 2);
    assertThat(check.output()).doesNotContain("WARNING");
  }

  @Test
  void everyAlertFiresWhenItShouldAndStaysSilentWhenItShouldNot() throws IOException {
    // the chart's rules; manifestsInstallTheChartsRules shows manifests/ has the same
    write(RULES_FILE, Chart.rules(tmp));
    Path tests = tmp.resolve("pi-pool-alerts.test.yaml");
    try (InputStream in = PrometheusRulesTest.class.getResourceAsStream(TESTS)) {
      assertThat(in).as(TESTS).isNotNull();
      Files.copy(in, tests);
    }
    Podman.Run run = Podman.exec(List.of(promtool, "test", "rules", tests.toString()), 120);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("SUCCESS");

    // every alert has a case where it fires and one where it must not (yet)
    Set<String> alerts = new TreeSet<>(Chart.rules(tmp).findValuesAsText("alert"));
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
