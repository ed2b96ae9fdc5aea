package io.pipool.operator.reconciler;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.testing.FakeAgents;
import io.pipool.operator.testing.Fixtures;
import io.pipool.operator.testing.OperatorHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator on the mock API server: create, change, invalid spec, scale, idle. */
@EnableKubernetesMockClient(crud = true)
class PoolLifecycleTest {

  static KubernetesClient client;
  static KubernetesMockServer server;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = new OperatorHarness(client, server, Map.of());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static PiServerPool create(PiServerPool pool) {
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(pool.getMetadata().getNamespace())
                .endMetadata()
                .build())
        .createOr(n -> n.update());
    return client.resource(pool).create();
  }

  private static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T await(
      Class<T> type, String ns, String name) {
    return eventually(type.getSimpleName() + " " + ns + "/" + name)
        .until(() -> client.resources(type).inNamespace(ns).withName(name).get(), o -> o != null);
  }

  @Test
  void aNewPoolGetsItsAgentDaemonSetServiceConfigAndRbac() {
    PiServerPool pool = Fixtures.pool("create", "web");
    pool.getSpec().setNodeSelector(Map.of("kubernetes.io/arch", "arm64"));
    pool.getSpec()
        .setTolerations(
            List.of(
                new TolerationBuilder()
                    .withKey("node-role.kubernetes.io/control-plane")
                    .withOperator("Exists")
                    .withEffect("NoSchedule")
                    .build()));
    PiServerPool created = create(pool);
    Map<String, String> labels =
        Map.of(
            "app.kubernetes.io/name", "pi-pool-agent",
            "app.kubernetes.io/instance", "web",
            "app.kubernetes.io/managed-by", "pi-pool-operator",
            "pipool.io/pool", "web");

    DaemonSet ds = await(DaemonSet.class, "create", "web-agent");
    ConfigMap cm = await(ConfigMap.class, "create", "web-agent");
    ServiceAccount sa = await(ServiceAccount.class, "create", "web-agent");
    Role role = await(Role.class, "create", "web-agent");
    RoleBinding binding = await(RoleBinding.class, "create", "web-agent");
    Service svc = await(Service.class, "create", "web");

    for (var object : List.of(ds, cm, sa, role, binding, svc)) {
      assertThat(object.getMetadata().getLabels()).containsAllEntriesOf(labels);
      OwnerReference owner = object.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getKind()).isEqualTo("PiServerPool");
      assertThat(owner.getName()).isEqualTo("web");
      assertThat(owner.getUid()).isEqualTo(created.getMetadata().getUid());
      assertThat(owner.getController()).isTrue();
    }

    assertThat(ds.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("app.kubernetes.io/name", "pi-pool-agent", "pipool.io/pool", "web"));
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(labels);
    assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey("pipool.io/config-hash");
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(pod.getHostNetwork()).isTrue();
    assertThat(pod.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(pod.getServiceAccountName()).isEqualTo("web-agent");
    assertThat(pod.getNodeSelector()).isEqualTo(Map.of("kubernetes.io/arch", "arm64"));
    assertThat(pod.getTolerations())
        .extracting("key")
        .containsExactly("node-role.kubernetes.io/control-plane");

    Container init = pod.getInitContainers().get(0);
    assertThat(init.getName()).isEqualTo("apply-sysctls");
    assertThat(init.getImage()).isEqualTo("pipool/node-agent:test");
    assertThat(init.getArgs())
        .containsExactly("apply-sysctls", "--config", "/etc/pi-pool/agent.yaml");
    assertThat(init.getSecurityContext().getPrivileged()).isTrue();
    assertThat(init.getVolumeMounts())
        .extracting("mountPath")
        .contains("/host/proc/sys", "/var/lib/pi-pool");

    Container agent = pod.getContainers().get(0);
    assertThat(agent.getArgs()).containsExactly("serve", "--config", "/etc/pi-pool/agent.yaml");
    assertThat(agent.getEnv())
        .extracting("name")
        .containsExactly(
            "PIPOOL_NODE_NAME", "PIPOOL_POD_NAME", "PIPOOL_POD_NAMESPACE", "PIPOOL_POD_IP");
    assertThat(agent.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(agent.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
    assertThat(agent.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(agent.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(agent.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(agent.getSecurityContext().getPrivileged()).isNull();
    assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz/pod");
    assertThat(agent.getReadinessProbe().getHttpGet().getPort().getIntVal()).isEqualTo(9090);
    assertThat(agent.getResources().getLimits()).containsEntry("memory", new Quantity("192Mi"));
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly("config", "host-proc-sys", "state", "tmp");

    assertThat(cm.getData().get("agent.yaml"))
        .contains("net.core.somaxconn: \"4096\"")
        .contains("port: 8080");
    assertThat(role.getRules())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("pods");
              assertThat(r.getVerbs()).containsExactly("get", "list", "watch");
            });
    assertThat(binding.getSubjects().get(0).getName()).isEqualTo("web-agent");
    assertThat(binding.getRoleRef().getName()).isEqualTo("web-agent");
    assertThat(svc.getSpec().getSelector())
        .isEqualTo(Map.of("pipool.io/pool", "web", "pipool.io/serving", "true"));
    assertThat(svc.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(svc.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
    assertThat(svc.getSpec().getPorts().get(0).getTargetPort().getIntVal()).isEqualTo(8080);

    PiServerPool seen =
        eventually("status")
            .until(
                () -> harness.get("create", "web"),
                p ->
                    p != null
                        && (p.getStatus() != null
                            && p.getStatus().getObservedGeneration() != null));
    assertThat(seen.getStatus().getSelector())
        .isEqualTo("pipool.io/pool=web,pipool.io/serving=true");
    assertThat(Conditions.isTrue(seen.getStatus().getConditions(), Conditions.VALID)).isTrue();
    eventually("Created event").until(() -> harness.hasEvent("create", "Created"));
  }

  /**
   * An object of an owned name that the operator's cache cannot see (it lacks the managed-by label)
   * makes the create meet 409: the operator takes it over instead of failing every reconcile, and
   * everything that depends on it follows.
   */
  @Test
  void anUnlabelledObjectInTheWayIsTakenOverNotAFailedReconcile() {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName("taken").endMetadata().build())
        .create();
    client
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("web-agent")
                .withNamespace("taken")
                .withLabels(Map.of("team", "edge"))
                .endMetadata()
                .withData(Map.of("agent.yaml", "left over"))
                .build())
        .create();
    create(Fixtures.pool("taken", "web"));

    await(DaemonSet.class, "taken", "web-agent");
    ConfigMap cm =
        eventually("the ConfigMap taken over")
            .until(
                () -> client.configMaps().inNamespace("taken").withName("web-agent").get(),
                c -> c.getData().get("agent.yaml").contains("somaxconn"));
    assertThat(cm.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "pi-pool-operator")
        .containsEntry("team", "edge");
    // the status is written after the objects are applied: wait for it, not for the ConfigMap
    PiServerPool written =
        eventually("the pool's status written")
            .until(() -> harness.get("taken", "web"), p -> p.getStatus() != null);
    assertThat(written.getStatus().getConditions())
        .noneMatch(c -> "ReconcileFailed".equals(c.getReason()));
  }

  @Test
  void aSpecChangeRollsThePodsAndRemovesWhatWasRemoved() {
    PiServerPool pool = Fixtures.pool("change", "web");
    pool.getSpec().setNodeSelector(Map.of("pi-role", "edge"));
    pool.getSpec().getServer().setTlsSecret("web-tls");
    create(pool);
    DaemonSet before =
        eventually("DaemonSet with TLS")
            .until(
                () -> client.apps().daemonSets().inNamespace("change").withName("web-agent").get(),
                d -> d != null);
    String hashBefore =
        before.getSpec().getTemplate().getMetadata().getAnnotations().get("pipool.io/config-hash");
    assertThat(before.getSpec().getTemplate().getSpec().getVolumes())
        .extracting(Volume::getName)
        .contains("tls");

    harness.edit(
        "change",
        "web",
        p -> {
          p.getSpec().getServer().setTlsSecret(null);
          p.getSpec().setNodeSelector(Map.of("kubernetes.io/arch", "arm64"));
          p.getSpec().getSysctls().setValues(Map.of("net.core.netdev_max_backlog", "5000"));
        });

    DaemonSet after =
        eventually("rolled DaemonSet")
            .until(
                () -> client.apps().daemonSets().inNamespace("change").withName("web-agent").get(),
                d ->
                    d != null
                        && (!hashBefore.equals(
                            d.getSpec()
                                .getTemplate()
                                .getMetadata()
                                .getAnnotations()
                                .get("pipool.io/config-hash"))));
    PodSpec spec = after.getSpec().getTemplate().getSpec();
    assertThat(spec.getVolumes()).extracting(Volume::getName).doesNotContain("tls");
    assertThat(spec.getContainers().get(0).getVolumeMounts())
        .extracting("name")
        .doesNotContain("tls");
    assertThat(spec.getNodeSelector()).isEqualTo(Map.of("kubernetes.io/arch", "arm64"));
    ConfigMap cm = client.configMaps().inNamespace("change").withName("web-agent").get();
    assertThat(cm.getData().get("agent.yaml"))
        .contains("net.core.netdev_max_backlog")
        .doesNotContain("tls.crt");
  }

  @Test
  void anInvalidSpecIsReportedAndChangesNothingThatRuns() {
    create(Fixtures.pool("invalid", "web"));
    DaemonSet ds = await(DaemonSet.class, "invalid", "web-agent");
    ConfigMap cm = await(ConfigMap.class, "invalid", "web-agent");
    eventually("valid status")
        .until(
            () ->
                Conditions.isTrue(
                    harness.get("invalid", "web").getStatus().getConditions(), Conditions.VALID));

    harness.edit(
        "invalid",
        "web",
        p -> {
          p.getSpec().getThermal().setResumeCelsius(80.0);
          p.getSpec().getServer().setMode(ServerSpec.Mode.Proxy);
        });

    String message = invalidMessage("invalid", "web");
    assertThat(message)
        .contains(
            "spec.thermal.resumeCelsius: 80.0 is invalid; allowed: a temperature below spec.thermal.drainCelsius (75.0)")
        .contains("spec.server.upstream");
    eventually("InvalidSpec warning")
        .until(() -> harness.hasWarning("invalid", "InvalidSpec", "resumeCelsius"));
    assertThat(
            client
                .apps()
                .daemonSets()
                .inNamespace("invalid")
                .withName("web-agent")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(ds.getMetadata().getResourceVersion());
    assertThat(
            client
                .configMaps()
                .inNamespace("invalid")
                .withName("web-agent")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(cm.getMetadata().getResourceVersion());
  }

  /**
   * Where no API server enforces the schema (the simulator's in-memory one), a pool can hold an
   * unknown enum value or a newline in a sysctl name; the status, the Event and the log name the
   * spec path and the allowed values, each on one line.
   */
  @Test
  void aMistypedOrHostileSpecIsReportedByItsSpecPathOnOneLine() {
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("mistyped").endMetadata().build())
        .create();
    GenericKubernetesResource raw = new GenericKubernetesResource();
    raw.setApiVersion("pipool.io/v1alpha1");
    raw.setKind("PiServerPool");
    raw.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("mistyped").build());
    raw.setAdditionalProperty(
        "spec",
        Map.of(
            "server", Map.of("mode", "Bogus"),
            "sysctls", Map.of("values", Map.of("kernel.panic\nnet.core.somaxconn", "1"))));
    client
        .genericKubernetesResources(ResourceDefinitionContext.fromResourceType(PiServerPool.class))
        .inNamespace("mistyped")
        .resource(raw)
        .create();

    String message = invalidMessage("mistyped", "web");
    assertThat(message)
        .startsWith("spec.server.mode: \"Bogus\" is invalid; allowed: Static, Echo or Proxy; ")
        .contains("spec.sysctls.values: name \"kernel.panic\\nnet.core.somaxconn\" is invalid")
        .doesNotContain("\n", "ServerSpec");
    eventually("InvalidSpec warning on one line")
        .until(
            () ->
                harness.events("mistyped").stream()
                    .anyMatch(
                        e ->
                            "InvalidSpec".equals(e.getReason())
                                && e.getNote().contains("spec.server.mode")
                                && !e.getNote().contains("\n")));
    assertThat(client.apps().daemonSets().inNamespace("mistyped").withName("web-agent").get())
        .as("nothing runs for an invalid pool")
        .isNull();
  }

  /** The message of the pool's Valid condition, once it is False. */
  private static String invalidMessage(String namespace, String name) {
    PiServerPool seen =
        eventually("Valid=False")
            .until(
                () -> harness.get(namespace, name),
                p ->
                    p != null
                        && (p.getStatus() != null
                            && Conditions.find(p.getStatus().getConditions(), Conditions.VALID)
                                .map(c -> "False".equals(c.getStatus()))
                                .orElse(false)));
    return Conditions.find(seen.getStatus().getConditions(), Conditions.VALID)
        .orElseThrow()
        .getMessage();
  }

  @Test
  void scalingSpecReplicasMovesTheServingLabels() {
    try (FakeAgents agents = FakeAgents.start(20, "pi-1", "pi-2", "pi-3")) {
      PiServerPool pool = Fixtures.pool("scale", "web");
      pool.getSpec().setReplicas(1);
      pool.getSpec().getServer().setAdminPort(agents.port());
      pool.getSpec().getAutoscaling().setPollIntervalSeconds(1);
      create(pool);
      for (String node : List.of("pi-1", "pi-2", "pi-3")) {
        agents.answer(node, Fixtures.status(node, 0, 50.0, false));
        client.resource(Fixtures.agentPod("scale", "web", node, agents.ip(node))).create();
      }
      // a node whose pod appears after a poll started is polled at the next interval: the
      // clock moves on until every agent has answered
      reachable("scale", 3);
      eventually("one node serving").until(() -> serving("scale") == 1);

      harness.edit(
          "scale",
          "web",
          p -> {
            p.getSpec().setReplicas(3);
          });
      eventually("three nodes serving").until(() -> serving("scale") == 3);
      PiServerPool seen =
          eventually("status replicas 3")
              .until(
                  () -> harness.get("scale", "web"),
                  p -> p != null && Integer.valueOf(3).equals(p.getStatus().getReplicas()));
      assertThat(seen.getStatus().getDesiredReplicas()).isEqualTo(3);
      assertThat(seen.getStatus().getNodes())
          .extracting("phase")
          .containsOnly(io.pipool.api.v1alpha1.NodeStatus.Phase.Serving);

      harness.edit(
          "scale",
          "web",
          p -> {
            p.getSpec().setReplicas(2);
          });
      eventually("two nodes serving").until(() -> serving("scale") == 2);
    }
  }

  @Test
  void reconcilingAnUnchangedPoolWritesNothing() {
    try (FakeAgents agents = FakeAgents.start(30, "pi-1", "pi-2")) {
      PiServerPool pool = Fixtures.pool("idle", "web");
      pool.getSpec().getServer().setAdminPort(agents.port());
      pool.getSpec().getAutoscaling().setPollIntervalSeconds(1);
      create(pool);
      for (String node : List.of("pi-1", "pi-2")) {
        agents.answer(node, Fixtures.status(node, 10, 50.0, false));
        client.resource(Fixtures.agentPod("idle", "web", node, agents.ip(node))).create();
      }
      // a node whose pod appeared after the first poll started is only reported at a later poll,
      // and that report is a write: the clock moves on until both agents have answered
      reachable("idle", 2);
      // held for a while, so the last writes of the start have settled
      eventually("one node serving and reported, steadily")
          .during(Duration.ofMillis(1500))
          .until(
              () ->
                  serving("idle") == 1
                      && Integer.valueOf(1)
                          .equals(harness.get("idle", "web").getStatus().getReplicas()));

      double before = reconciles("idle");
      harness.drainRequests();
      // the loop keeps going: polls on the interval and reconciles, with unchanged answers
      for (int i = 0; i < 3; i++) {
        int hits = agents.hits();
        harness.step(Duration.ofSeconds(1));
        eventually("agents polled").until(() -> agents.hits() > hits);
      }
      eventually("at least four more reconciles").until(() -> reconciles("idle") >= before + 4);
      List<RecordedRequest> writes =
          harness.requests().stream()
              .filter(r -> !"GET".equals(r.getMethod()))
              .filter(r -> r.getPath().contains("/namespaces/idle/"))
              .toList();
      assertThat(writes).extracting(RecordedRequest::getRequestLine).isEmpty();
    }
  }

  @Test
  void aFailedSysctlInitStepIsReportedNamingTheNodeAndTheCause() {
    create(Fixtures.pool("sysctl", "web"));
    client.resource(Fixtures.agentPod("sysctl", "web", "pi-1", "127.0.0.81")).create();
    var broken = Fixtures.agentPod("sysctl", "web", "pi-2", "127.0.0.82");
    broken
        .getStatus()
        .setInitContainerStatuses(
            List.of(
                new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                    .withName("apply-sysctls")
                    .withNewState()
                    .withNewWaiting()
                    .withReason("CrashLoopBackOff")
                    .endWaiting()
                    .endState()
                    .withNewLastState()
                    .withNewTerminated()
                    .withExitCode(1)
                    .withMessage("net.core.somaxconn: permission denied")
                    .endTerminated()
                    .endLastState()
                    .build()));
    broken.getStatus().setPhase("Pending");
    client.resource(broken).create();

    PiServerPool seen =
        eventually("SysctlsApplied=False")
            .until(
                () -> harness.get("sysctl", "web"),
                p ->
                    p != null
                        && (Conditions.find(
                                p.getStatus().getConditions(), Conditions.SYSCTLS_APPLIED)
                            .map(c -> "False".equals(c.getStatus()))
                            .orElse(false)));
    assertThat(
            Conditions.find(seen.getStatus().getConditions(), Conditions.SYSCTLS_APPLIED)
                .orElseThrow()
                .getMessage())
        .isEqualTo("apply-sysctls failed on pi-2 (exit 1: net.core.somaxconn: permission denied)");
    assertThat(seen.getStatus().getNodes())
        .filteredOn(n -> "pi-2".equals(n.getName()))
        .singleElement()
        .satisfies(
            n ->
                assertThat(n.getSysctls())
                    .isEqualTo(io.pipool.api.v1alpha1.NodeStatus.SysctlState.Failed));
    eventually("SysctlFailure warning")
        .until(() -> harness.hasWarning("sysctl", "SysctlFailure", "pi-2"));
  }

  /** Steps the clock until the pool's status counts {@code nodes} agents that answered. */
  private static void reachable(String ns, int nodes) {
    harness.polledUntil(
        nodes + " agents reachable",
        () -> harness.get(ns, "web").getStatus().getTotals().getReachableNodes(),
        Integer.valueOf(nodes)::equals);
  }

  private static double reconciles(String ns) {
    Double v =
        harness
            .operator
            .metrics()
            .registry()
            .getSampleValue(
                "pipool_operator_reconciles_total",
                new String[] {"namespace", "pool"},
                new String[] {ns, "web"});
    return v == null ? 0 : v;
  }

  private static long serving(String ns) {
    return harness.pods(ns).stream()
        .filter(p -> "true".equals(p.getMetadata().getLabels().get(PiServerPool.SERVING_LABEL)))
        .count();
  }
}
