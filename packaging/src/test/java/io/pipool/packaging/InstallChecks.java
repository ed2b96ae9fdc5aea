package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** What every install path (kustomize and Helm) must get right, checked on rendered objects. */
final class InstallChecks {

  // declared first: the rule tables below are built from it during class initialisation
  private static final Set<String> CRUD =
      Set.of("get", "list", "watch", "create", "update", "patch", "delete");

  /**
   * The operator's complete cluster-wide permissions, "group/resource" to verbs. Derived from what
   * the reconciler does; anything more is a finding, anything less breaks the operator.
   */
  static final Map<String, Set<String>> CLUSTER_RULES = clusterRules();

  /** The leader-election permissions, confined to the operator's namespace. */
  static final Map<String, Set<String>> LEASE_RULES =
      Map.of("coordination.k8s.io/leases", Set.of("get", "create", "update", "patch"));

  private InstallChecks() {}

  private static Map<String, Set<String>> clusterRules() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put("pipool.io/piserverpools", Set.of("get", "list", "watch", "patch", "update"));
    m.put("pipool.io/piserverpools/status", Set.of("get", "patch", "update"));
    m.put("pipool.io/piserverpools/finalizers", Set.of("update"));
    m.put("/configmaps", CRUD);
    m.put("/serviceaccounts", CRUD);
    m.put("/services", CRUD);
    m.put("apps/daemonsets", CRUD);
    m.put("rbac.authorization.k8s.io/roles", CRUD);
    m.put("rbac.authorization.k8s.io/rolebindings", CRUD);
    m.put("/pods", Set.of("get", "list", "watch", "patch"));
    m.put("batch/jobs", Set.of("get", "list", "watch", "create", "delete"));
    m.put("/events", Set.of("create", "patch"));
    m.put("events.k8s.io/events", Set.of("create", "patch"));
    return Map.copyOf(m);
  }

  /** The CRD is installed and is the committed, generated one. */
  static void crdIsTheGeneratedOne(Objects objects) {
    JsonNode crd =
        objects
            .find("CustomResourceDefinition", "piserverpools.pipool.io")
            .orElseThrow(() -> new AssertionError("the PiServerPool CRD is not installed"));
    JsonNode committed =
        Objects.parse(Repo.read("manifests/crd/piserverpools.pipool.io-v1.yml"))
            .single("CustomResourceDefinition");
    // renderers may write 1.0 as 1: compare numbers by value, everything else exactly
    Comparator<JsonNode> sameValue =
        (a, b) ->
            a.isNumber() && b.isNumber()
                ? a.decimalValue().compareTo(b.decimalValue())
                : a.equals(b) ? 0 : 1;
    assertThat(crd.path("spec").equals(sameValue, committed.path("spec")))
        .as("installed CRD spec equals manifests/crd/piserverpools.pipool.io-v1.yml")
        .isTrue();
  }

  /** Flattens RBAC rules into "group/resource" -> verbs, refusing wildcards and secrets. */
  static Map<String, Set<String>> rules(JsonNode role) {
    String name = role.path("metadata").path("name").asText();
    Map<String, Set<String>> out = new TreeMap<>();
    for (JsonNode rule : role.path("rules")) {
      assertThat(rule.has("nonResourceURLs")).as(name + ": nonResourceURLs").isFalse();
      assertThat(rule.has("resourceNames")).as(name + ": resourceNames").isFalse();
      for (JsonNode group : rule.path("apiGroups")) {
        for (JsonNode resource : rule.path("resources")) {
          String key = group.asText() + "/" + resource.asText();
          for (JsonNode verb : rule.path("verbs")) {
            assertThat(List.of(group.asText(), resource.asText(), verb.asText()))
                .as(name + ": wildcard in " + key + " " + verb.asText())
                .doesNotContain("*");
            out.computeIfAbsent(key, k -> new TreeSet<>()).add(verb.asText());
          }
        }
      }
    }
    assertThat(out.keySet())
        .as(name + " must not touch secrets")
        .noneMatch(k -> k.endsWith("/secrets"));
    return out;
  }

  static Map<String, Set<String>> sorted(Map<String, Set<String>> rules) {
    Map<String, Set<String>> out = new TreeMap<>();
    rules.forEach((k, v) -> out.put(k, new TreeSet<>(v)));
    return out;
  }

  /**
   * ClusterRole and leader-election Role hold exactly the expected rules, bound to the operator.
   */
  static void rbacIsMinimal(Objects objects, String serviceAccount, String namespace) {
    JsonNode clusterRole = objects.single("ClusterRole");
    assertThat(rules(clusterRole)).isEqualTo(sorted(CLUSTER_RULES));
    JsonNode role = objects.single("Role");
    assertThat(role.path("metadata").path("namespace").asText()).isEqualTo(namespace);
    assertThat(rules(role)).isEqualTo(sorted(LEASE_RULES));
    assertBinding(objects.single("ClusterRoleBinding"), clusterRole, serviceAccount, namespace);
    assertBinding(objects.single("RoleBinding"), role, serviceAccount, namespace);
  }

  private static void assertBinding(
      JsonNode binding, JsonNode role, String serviceAccount, String namespace) {
    assertThat(binding.path("roleRef").path("name").asText())
        .isEqualTo(role.path("metadata").path("name").asText());
    assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo(role.path("kind").asText());
    JsonNode subjects = binding.path("subjects");
    assertThat(subjects.size()).as("subjects of " + binding.path("metadata").path("name")).isOne();
    assertThat(subjects.get(0).path("kind").asText()).isEqualTo("ServiceAccount");
    assertThat(subjects.get(0).path("name").asText()).isEqualTo(serviceAccount);
    assertThat(subjects.get(0).path("namespace").asText()).isEqualTo(namespace);
  }

  /**
   * Every container of every workload runs unprivileged: non-root, no privilege escalation, all
   * capabilities dropped, read-only root filesystem, RuntimeDefault seccomp. (The agent's sysctl
   * init container is the one exception, and the operator creates it, not an install path.)
   */
  static void everyContainerIsUnprivileged(Objects objects) {
    int containers = 0;
    for (JsonNode workload : objects.all()) {
      JsonNode pod = podSpec(workload);
      if (pod == null) {
        continue;
      }
      String where = workload.path("kind").asText() + "/" + workload.path("metadata").path("name");
      JsonNode podSc = pod.path("securityContext");
      assertThat(podSc.path("seccompProfile").path("type").asText())
          .as(where + " seccompProfile")
          .isEqualTo("RuntimeDefault");
      assertThat(pod.path("hostNetwork").asBoolean(false)).as(where + " hostNetwork").isFalse();
      assertThat(pod.path("hostPID").asBoolean(false)).as(where + " hostPID").isFalse();
      for (String list : List.of("initContainers", "containers")) {
        for (JsonNode c : pod.path(list)) {
          containers++;
          String cw = where + " container " + c.path("name").asText();
          JsonNode sc = c.path("securityContext");
          boolean nonRoot =
              sc.path("runAsNonRoot").asBoolean(podSc.path("runAsNonRoot").asBoolean(false));
          long uid = sc.path("runAsUser").asLong(podSc.path("runAsUser").asLong(-1));
          assertThat(nonRoot).as(cw + " runAsNonRoot").isTrue();
          assertThat(uid).as(cw + " runAsUser").isNotZero();
          assertThat(sc.path("privileged").asBoolean(false)).as(cw + " privileged").isFalse();
          assertThat(sc.path("allowPrivilegeEscalation").asBoolean(true))
              .as(cw + " allowPrivilegeEscalation")
              .isFalse();
          assertThat(sc.path("readOnlyRootFilesystem").asBoolean(false))
              .as(cw + " readOnlyRootFilesystem")
              .isTrue();
          assertThat(sc.path("capabilities").path("drop").toString())
              .as(cw + " capabilities.drop")
              .contains("\"ALL\"");
          assertThat(sc.path("capabilities").path("add").size())
              .as(cw + " capabilities.add")
              .isZero();
        }
      }
    }
    assertThat(containers).as("containers found in the rendered install").isPositive();
  }

  /** The pod template of a workload, or null when the object is not a workload. */
  static JsonNode podSpec(JsonNode object) {
    return switch (object.path("kind").asText()) {
      case "Pod" -> object.path("spec");
      case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job" ->
          object.path("spec").path("template").path("spec");
      case "CronJob" ->
          object.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
      default -> null;
    };
  }

  /** The operator Deployment: leader election on, probes, Pi-sized limits, spread over hosts. */
  static JsonNode operatorDeployment(Objects objects, int replicas, boolean leaderElection) {
    JsonNode deployment = objects.single("Deployment");
    JsonNode pod = podSpec(deployment);
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(replicas);
    JsonNode c = pod.path("containers").get(0);
    assertThat(env(c, "PIPOOL_LEADER_ELECTION")).isEqualTo(Boolean.toString(leaderElection));
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("resources").path("limits").path("memory").asText()).isNotEmpty();
    assertThat(c.path("resources").path("limits").path("cpu").asText()).isNotEmpty();
    assertThat(c.path("resources").path("requests").path("memory").asText()).isNotEmpty();
    assertThat(mebibytes(c.path("resources").path("limits").path("memory").asText()))
        .as("operator memory limit fits a Pi")
        .isBetween(128, 512);
    assertThat(pod.path("serviceAccountName").asText()).isNotBlank();
    return deployment;
  }

  static void spreadsOverHostnames(JsonNode deployment) {
    JsonNode spread = podSpec(deployment).path("topologySpreadConstraints");
    assertThat(spread.size()).as("topologySpreadConstraints").isPositive();
    assertThat(spread.get(0).path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
    assertThat(spread.get(0).path("labelSelector").path("matchLabels"))
        .isEqualTo(deployment.path("spec").path("selector").path("matchLabels"));
  }

  /** The operator and agent images carry the build's version and no registry host. */
  static void imagesMatchTheBuild(JsonNode deployment, String version) {
    JsonNode c = podSpec(deployment).path("containers").get(0);
    assertThat(c.path("image").asText()).isEqualTo("pipool/pi-pool-operator:" + version);
    assertThat(env(c, "PIPOOL_AGENT_IMAGE")).isEqualTo("pipool/node-agent:" + version);
  }

  static String env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) {
      if (name.equals(e.path("name").asText())) {
        return e.path("value").asText();
      }
    }
    throw new AssertionError("container " + container.path("name") + " has no env " + name);
  }

  private static int mebibytes(String quantity) {
    if (quantity.endsWith("Mi")) {
      return Integer.parseInt(quantity.substring(0, quantity.length() - 2));
    }
    if (quantity.endsWith("Gi")) {
      return Integer.parseInt(quantity.substring(0, quantity.length() - 2)) * 1024;
    }
    throw new AssertionError("memory quantity " + quantity + " is not in Mi or Gi");
  }

  /**
   * The agents' NetworkPolicy: traffic port ("http") open to all, admin port ("admin") only to the
   * operator's pods in {@code operatorNamespace} and to Prometheus in "monitoring".
   */
  static void agentAdminPortIsClosedToOthers(JsonNode policy, String operatorNamespace) {
    JsonNode spec = policy.path("spec");
    assertThat(spec.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText())
        .isEqualTo("pi-pool-agent");
    assertThat(spec.path("policyTypes").toString()).isEqualTo("[\"Ingress\"]");
    JsonNode rules = spec.path("ingress");
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).path("ports").get(0).path("port").asText()).isEqualTo("http");
    assertThat(rules.get(0).has("from")).as("the traffic port is public").isFalse();
    JsonNode admin = rules.get(1);
    assertThat(admin.path("ports").get(0).path("port").asText()).isEqualTo("admin");
    JsonNode from = admin.path("from");
    assertThat(from).as("only the operator and the scraper").hasSize(2);
    assertThat(peer(from.get(0))).isEqualTo(operatorNamespace + "/pi-pool-operator");
    assertThat(peer(from.get(1))).isEqualTo("monitoring/prometheus");
  }

  private static String peer(JsonNode from) {
    return from.path("namespaceSelector")
            .path("matchLabels")
            .path("kubernetes.io/metadata.name")
            .asText()
        + "/"
        + from.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText();
  }
}
