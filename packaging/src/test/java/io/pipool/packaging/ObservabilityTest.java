package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the alerts ask only for metrics the agent and operator export, and the
 * dashboard has every panel a pool's owner needs.
 */
class ObservabilityTest {

  private static final Pattern METRIC = Pattern.compile("pipool_(agent|operator)_[a-z_]+");

  /** Suffixes Prometheus client libraries add to counters and histograms. */
  private static final List<String> SUFFIXES = List.of("_total", "_bucket", "_sum", "_count");

  private static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(Repo.read("charts/pi-pool/dashboards/pi-pool.json"));
    } catch (IOException e) {
      throw new AssertionError("the dashboard is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static Set<String> metricsIn(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  /** All Java source of a module's main code, as one string. */
  private static String sources(String module) {
    try (Stream<Path> files = Files.walk(Repo.path(module + "/src/main/java"))) {
      return files
          .filter(p -> p.toString().endsWith(".java"))
          .map(
              p -> {
                try {
                  return Files.readString(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              })
          .collect(Collectors.joining("\n"));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + module + " sources: " + e.getMessage(), e);
    }
  }

  /** True when the code registers the metric, under its full name or as prefix + rest. */
  private static boolean exported(String metric, String code) {
    String prefix = metric.startsWith("pipool_agent_") ? "pipool_agent_" : "pipool_operator_";
    for (String name : candidates(metric)) {
      if (code.contains("\"" + name + "\"")
          || code.contains("\"" + name.substring(prefix.length()) + "\"")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> candidates(String metric) {
    for (String suffix : SUFFIXES) {
      if (metric.endsWith(suffix)) {
        return List.of(metric, metric.substring(0, metric.length() - suffix.length()));
      }
    }
    return List.of(metric);
  }

  @Test
  void dashboardAndAlertsUseOnlyExportedMetrics() {
    String agent = sources("node-agent");
    String operator = sources("operator");
    Set<String> used = metricsIn(Repo.read("charts/pi-pool/dashboards/pi-pool.json"));
    used.addAll(metricsIn(Repo.read("charts/pi-pool/templates/prometheusrule.yaml")));
    assertThat(used).isNotEmpty();
    Set<String> missing =
        used.stream()
            .filter(m -> !exported(m, m.startsWith("pipool_agent_") ? agent : operator))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(missing).as("metrics queried but not exported by node-agent or operator").isEmpty();
  }

  @Test
  void dashboardHasThePanelsTheIssueAsksFor() {
    JsonNode dash = dashboard();
    String exprs =
        dash.path("panels").findValues("expr").stream()
            .map(JsonNode::asText)
            .collect(Collectors.joining("\n"));
    assertThat(exprs)
        .contains(
            "pipool_operator_desired_replicas",
            "pipool_operator_serving_replicas",
            "pipool_agent_connections_active",
            "pipool_agent_temperature_celsius",
            "vector($drain)",
            "vector($resume)",
            "pipool_agent_throttle_flag",
            "rate(pipool_agent_requests_total",
            "pipool_agent_request_duration_seconds_bucket",
            "pipool_agent_connections_rejected_total");
    // drain and resume lines default to the CRD's defaults
    JsonNode vars = dash.path("templating").path("list");
    assertThat(variable(vars, "drain")).isEqualTo("75");
    assertThat(variable(vars, "resume")).isEqualTo("65");
    // unique panel ids and a stable uid, so Grafana's sidecar updates instead of duplicating
    List<Integer> ids = new ArrayList<>();
    dash.path("panels").forEach(p -> ids.add(p.path("id").asInt()));
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(dash.path("uid").asText()).isEqualTo("pi-pool-overview");
  }

  private static String variable(JsonNode vars, String name) {
    for (JsonNode v : vars) {
      if (name.equals(v.path("name").asText())) {
        return v.path("query").asText();
      }
    }
    throw new AssertionError("dashboard variable $" + name + " is missing");
  }
}
