package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** `kubectl apply -k manifests/` installs a complete, least-privilege, hardened operator. */
class KustomizeManifestsTest {

  private static final String NAMESPACE = "pi-pool-system";
  private static Objects objects;

  @BeforeAll
  static void render() {
    objects = Objects.parse(Kubectl.kustomize(Repo.path("manifests")));
  }

  @Test
  void installsTheCrdNamespaceAndOperator() {
    assertThat(objects.kinds())
        .containsExactlyInAnyOrder(
            "CustomResourceDefinition",
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment",
            "PodDisruptionBudget",
            "Service");
    InstallChecks.crdIsTheGeneratedOne(objects);
    assertThat(objects.single("Namespace").path("metadata").path("name").asText())
        .isEqualTo(NAMESPACE);
  }

  @Test
  void examplesAreNotInstalled() {
    assertThat(objects.ofKind("PiServerPool")).isEmpty();
  }

  @Test
  void everyNamespacedObjectLandsInPiPoolSystem() {
    for (JsonNode o : objects.all()) {
      String kind = o.path("kind").asText();
      if (!kind.startsWith("Cluster")
          && !kind.equals("CustomResourceDefinition")
          && !kind.equals("Namespace")) {
        assertThat(o.path("metadata").path("namespace").asText())
            .as(kind + " " + o.path("metadata").path("name").asText())
            .isEqualTo(NAMESPACE);
      }
    }
  }

  @Test
  void rbacGrantsExactlyWhatTheOperatorUses() {
    String sa = objects.single("ServiceAccount").path("metadata").path("name").asText();
    assertThat(
            InstallChecks.podSpec(objects.single("Deployment")).path("serviceAccountName").asText())
        .isEqualTo(sa);
    InstallChecks.rbacIsMinimal(objects, sa, NAMESPACE);
  }

  @Test
  void operatorRunsTwoHardenedReplicasWithLeaderElection() {
    JsonNode deployment = InstallChecks.operatorDeployment(objects, 2, true);
    InstallChecks.spreadsOverHostnames(deployment);
    InstallChecks.everyContainerIsUnprivileged(objects);
    JsonNode c = InstallChecks.podSpec(deployment).path("containers").get(0);
    assertThat(c.path("env").toString()).contains("PIPOOL_LEASE_NAMESPACE");
  }

  @Test
  void imagesCarryTheBuildVersion() {
    InstallChecks.imagesMatchTheBuild(objects.single("Deployment"), Repo.version());
  }

  @Test
  void metricsServiceSelectsTheOperatorPods() {
    JsonNode service = objects.single("Service");
    JsonNode podLabels =
        objects.single("Deployment").path("spec").path("template").path("metadata").path("labels");
    service
        .path("spec")
        .path("selector")
        .fields()
        .forEachRemaining(
            e -> assertThat(podLabels.path(e.getKey()).asText()).isEqualTo(e.getValue().asText()));
    assertThat(service.path("spec").path("ports").get(0).path("targetPort").asText())
        .isEqualTo("http");
  }

  @Test
  void theAgentsNetworkPolicyOpensTheAdminPortOnlyToTheOperatorAndPrometheus() {
    Objects policy = Objects.parse(Kubectl.kustomize(Repo.path("manifests/agent-network-policy")));
    assertThat(policy.kinds()).containsExactly("NetworkPolicy");
    JsonNode p = policy.single("NetworkPolicy");
    assertThat(p.path("metadata").path("namespace").asText()).isEqualTo("default");
    InstallChecks.agentAdminPortIsClosedToOthers(p, NAMESPACE);
  }
}
