package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** `helm install pi-pool charts/pi-pool`: lint, render and value checks by a real Helm engine. */
class HelmChartTest {

  private static final String NAMESPACE = Chart.NAMESPACE;
  private static final Path CHART = Chart.PATH;

  @TempDir static Path tmp;

  /** Renders the chart like `helm template -f values.yaml`, with the values given as YAML text. */
  private static String render(String valuesYaml) {
    return Chart.render(tmp, valuesYaml);
  }

  @Test
  void lintsCleanInStrictMode() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void chartVersionsFollowTheBuild() {
    String chartYaml = Repo.read("charts/pi-pool/Chart.yaml");
    assertThat(chartYaml).contains("\nversion: " + Repo.version() + "\n");
    assertThat(chartYaml).contains("\nappVersion: \"" + Repo.version() + "\"\n");
  }

  @Test
  void defaultsInstallWhatTheManifestsInstall() {
    // Helm installs crds/ as it is (before the templates); it must be the generated CRD
    InstallChecks.crdIsTheGeneratedOne(
        Objects.parse(Repo.read("charts/pi-pool/crds/piserverpools.pipool.io-v1.yml")));
    Objects objects = Objects.parse(render(""));
    String sa = objects.single("ServiceAccount").path("metadata").path("name").asText();
    InstallChecks.rbacIsMinimal(objects, sa, NAMESPACE);
    JsonNode deployment = InstallChecks.operatorDeployment(objects, 2, true);
    InstallChecks.spreadsOverHostnames(deployment);
    InstallChecks.everyContainerIsUnprivileged(objects);
    InstallChecks.imagesMatchTheBuild(deployment, Repo.version());
    assertThat(objects.ofKind("PodDisruptionBudget")).hasSize(1);
    assertThat(objects.ofKind("Service")).hasSize(1);
    // optional parts stay off by default, except the dashboard
    assertThat(objects.ofKind("ServiceMonitor")).isEmpty();
    assertThat(objects.ofKind("PrometheusRule")).isEmpty();
    assertThat(objects.ofKind("PiServerPool")).isEmpty();
    assertThat(objects.ofKind("ConfigMap")).hasSize(1);
  }

  @Test
  void everyPoolNamespaceGetsTheAgentsNetworkPolicy() {
    List<JsonNode> watched =
        Objects.parse(render("watchNamespaces: [shop, blog]\n")).ofKind("NetworkPolicy");
    assertThat(watched)
        .extracting(p -> p.path("metadata").path("namespace").asText())
        .containsExactly("shop", "blog");
    watched.forEach(p -> InstallChecks.agentAdminPortIsClosedToOthers(p, NAMESPACE));
    assertThat(Objects.parse(render("")).single("NetworkPolicy").path("metadata").path("namespace"))
        .hasToString("\"default\"");
    assertThat(
            Objects.parse(render("agentNetworkPolicy:\n  enabled: false\n"))
                .ofKind("NetworkPolicy"))
        .isEmpty();
  }

  @Test
  void rbacIsTheSameAsInTheManifests() {
    Objects helm = Objects.parse(render(""));
    Objects kustomize = Objects.parse(Kubectl.kustomize(Repo.path("manifests")));
    assertThat(InstallChecks.rules(helm.single("ClusterRole")))
        .isEqualTo(InstallChecks.rules(kustomize.single("ClusterRole")));
    assertThat(InstallChecks.rules(helm.single("Role")))
        .isEqualTo(InstallChecks.rules(kustomize.single("Role")));
  }

  @Test
  void singleReplicaWithoutLeaderElection() {
    Objects objects = Objects.parse(render("replicaCount: 1\nleaderElection: {enabled: false}\n"));
    InstallChecks.operatorDeployment(objects, 1, false);
    // no Lease, so no Lease permission; one replica, so no disruption budget
    assertThat(objects.ofKind("Role")).isEmpty();
    assertThat(objects.ofKind("RoleBinding")).isEmpty();
    assertThat(objects.ofKind("PodDisruptionBudget")).isEmpty();
  }

  @Test
  void monitoringAndExamplePoolWhenAskedFor() {
    Objects objects =
        Objects.parse(
            render(
                """
                metrics:
                  serviceMonitor: {enabled: true, labels: {release: kube-prometheus-stack}}
                  prometheusRule: {enabled: true}
                examplePool: {enabled: true, namespace: web}
                watchNamespaces: [web, lab]
                image: {tag: 1.2.3}
                agent: {image: {tag: 1.2.3}}
                """));
    JsonNode monitor = objects.single("ServiceMonitor");
    assertThat(monitor.path("metadata").path("labels").path("release").asText())
        .isEqualTo("kube-prometheus-stack");
    JsonNode podMonitor = objects.single("PodMonitor");
    assertThat(podMonitor.path("spec").path("namespaceSelector").path("matchNames").toString())
        .isEqualTo("[\"web\",\"lab\"]");
    assertThat(podMonitor.path("spec").path("podMetricsEndpoints").get(0).path("port").asText())
        .isEqualTo("admin");

    JsonNode rule = objects.single("PrometheusRule");
    assertThat(rule.path("spec").path("groups").get(0).path("rules").findValuesAsText("alert"))
        .containsExactlyInAnyOrder(
            "PiPoolNodeHot",
            "PiPoolNodeThrottled",
            "PiPoolNodeUnderVoltage",
            "PiPoolScalingLimited",
            "PiPoolAgentUnreachable",
            "PiPoolSysctlDrift");
    // Prometheus's own {{ $labels }} templating must survive Helm's
    assertThat(rule.toString()).contains("{{ $labels.node }}");

    JsonNode pool = objects.single("PiServerPool");
    assertThat(pool.path("metadata").path("namespace").asText()).isEqualTo("web");
    assertThat(pool.path("spec").path("image").asText()).isEqualTo("pipool/node-agent:1.2.3");
    JsonNode c = InstallChecks.podSpec(objects.single("Deployment")).path("containers").get(0);
    assertThat(c.path("image").asText()).isEqualTo("pipool/pi-pool-operator:1.2.3");
    assertThat(InstallChecks.env(c, "PIPOOL_WATCH_NAMESPACES")).isEqualTo("web,lab");
  }

  @Test
  void dashboardShipsForTheGrafanaSidecar() {
    Objects objects = Objects.parse(render(""));
    JsonNode map = objects.single("ConfigMap");
    assertThat(map.path("metadata").path("labels").path("grafana_dashboard").asText())
        .isEqualTo("1");
    assertThat(map.path("data").path("pi-pool.json").asText())
        .isEqualTo(Repo.read("charts/pi-pool/dashboards/pi-pool.json"));
  }

  @ParameterizedTest(name = "{0} is refused naming {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "replicaCount: 0                               | /replicaCount        | minimum",
        "replicaCount: 9                               | /replicaCount        | maximum",
        "replicaCount: two                             | /replicaCount        | want integer",
        "httpPort: 80                                  | /httpPort            | minimum",
        "image: {pullPolicy: Sometimes}                | /image/pullPolicy    | Always",
        "image: {repository: Pipool/Operator}          | /image/repository    | pattern",
        "metrics: {prometheusRule: {hotCelsius: 150}}  | hotCelsius           | maximum",
        "metrics: {serviceMonitor: {interval: soon}}   | interval             | pattern",
        "watchNamespaces: [Not_A_Namespace]            | /watchNamespaces/0   | pattern",
        "examplePool: {name: Hello_World}              | /examplePool/name    | pattern",
        "resources: {limits: {memory: lots}}           | /resources/limits/memory | pattern",
        "replicaCont: 2                                | replicaCont          | additional properties",
      })
  void badValuesFailWithTheFieldName(String values, String field, String why) {
    assertThatThrownBy(() -> render(values))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(field)
        .hasMessageContaining(why);
  }

  @Test
  void severalReplicasNeedLeaderElection() {
    assertThatThrownBy(() -> render("leaderElection: {enabled: false}"))
        .hasMessageContaining("replicaCount=2 needs leaderElection.enabled=true");
  }

  @Test
  void serviceMonitorNeedsTheMetricsService() {
    assertThatThrownBy(
            () -> render("metrics: {serviceMonitor: {enabled: true}, service: {enabled: false}}"))
        .hasMessageContaining("metrics.service.enabled=true");
  }

  @Test
  void manifestsMonitoringInstallsTheChartsAlerts() {
    // kubectl users get the same alerts as Helm users with the chart's defaults
    List<JsonNode> rules = Chart.manifestRules();
    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).path("spec")).isEqualTo(Chart.rules(tmp));
    assertThat(Kubectl.kustomize(Repo.path("manifests/monitoring"))).contains("PrometheusRule");
  }
}
