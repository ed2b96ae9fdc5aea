package io.pipool.operator;

import static io.pipool.operator.testing.Waiting.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.operator.config.OperatorConfig;
import io.pipool.operator.status.Conditions;
import io.pipool.operator.testing.Fixtures;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The main scenario against a real cluster (PIPOOL_IT_KUBECONFIG), with the production settings:
 * server-side apply on. The pool selects no node, so nothing runs on the cluster's machines.
 */
class OperatorIT {

  private static KubernetesClient client;
  private static PiPoolOperator operator;
  private static final String NS = "pipool-it-" + UUID.randomUUID().toString().substring(0, 8);

  /** The SDK's field manager: the controller's name, from the reconciler's class. */
  private static final String FIELD_MANAGER = "piserverpoolreconciler";

  private static final String KUBECONFIG = System.getenv("PIPOOL_IT_KUBECONFIG");

  private static boolean haveCluster() {
    return KUBECONFIG != null && !KUBECONFIG.isBlank();
  }

  @BeforeAll
  static void start() throws Exception {
    if (!haveCluster()) {
      return; // the test reports the skip, with the reason, as a skipped test
    }
    String kubeconfig = KUBECONFIG;
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(kubeconfig))))
            .build();
    try (InputStream crd =
        OperatorIT.class.getResourceAsStream("/META-INF/fabric8/piserverpools.pipool.io-v1.yml")) {
      // a plain create or update, like `kubectl apply --validate=false`: on Kubernetes 1.20 a
      // server-side apply is a typed patch that refuses x-kubernetes-validations
      client
          .resource(client.apiextensions().v1().customResourceDefinitions().load(crd).item())
          .createOr(NonDeletingOperation::update);
    }
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    operator =
        PiPoolOperator.start(
            client,
            OperatorConfig.fromEnv(
                Map.of(
                    OperatorConfig.WATCH_NAMESPACES, NS,
                    OperatorConfig.LEADER_ELECTION, "false",
                    OperatorConfig.HTTP_PORT, "0")),
            Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.stop();
    }
    if (client != null) {
      client.namespaces().withName(NS).delete();
      client.close();
    }
  }

  @Test
  void createChangeInvalidateAndDeleteAPool() {
    if (!haveCluster()) {
      // printed as well, so the skip shows in the build log and not only in the report files
      System.out.println("SKIPPED OperatorIT: PIPOOL_IT_KUBECONFIG is not set");
    }
    Assumptions.assumeTrue(
        haveCluster(), "PIPOOL_IT_KUBECONFIG is not set: skipping the real-cluster scenario");
    PiServerPool pool = Fixtures.pool(NS, "web");
    pool.getSpec().setNodeSelector(Map.of("pipool.io/it-no-such-node", "true"));
    pool.getSpec().getSysctls().setRestoreOnDelete(false);
    client.resource(pool).create();

    DaemonSet ds =
        eventually("DaemonSet")
            .until(
                () -> client.apps().daemonSets().inNamespace(NS).withName("web-agent").get(),
                d -> d != null);
    assertThat(ds.getMetadata().getLabels()).containsEntry("pipool.io/pool", "web");
    // the Service depends on nothing, so the workflow may apply it after the DaemonSet
    eventually("Service")
        .until(() -> client.services().inNamespace(NS).withName("web").get(), s -> s != null);
    // the owned objects are the SDK's dependents, written with server-side apply: the operator's
    // field manager holds their fields through an Apply, not an Update
    for (HasMetadata owned :
        List.of(
            ds,
            client.configMaps().inNamespace(NS).withName("web-agent").get(),
            client.services().inNamespace(NS).withName("web").get())) {
      assertThat(owned.getMetadata().getManagedFields())
          .filteredOn(f -> FIELD_MANAGER.equals(f.getManager()))
          .as(owned.getKind() + " fields managed by " + FIELD_MANAGER)
          .isNotEmpty()
          .allSatisfy(f -> assertThat(f.getOperation()).isEqualTo("Apply"));
    }
    assertThat(client.services().inNamespace(NS).withName("web").get().getSpec().getSelector())
        .containsEntry("pipool.io/serving", "true");
    assertThat(client.configMaps().inNamespace(NS).withName("web-agent").get().getData())
        .containsKey("agent.yaml");
    assertThat(client.rbac().roles().inNamespace(NS).withName("web-agent").get()).isNotNull();
    assertThat(client.rbac().roleBindings().inNamespace(NS).withName("web-agent").get())
        .isNotNull();
    assertThat(client.serviceAccounts().inNamespace(NS).withName("web-agent").get()).isNotNull();
    String hash =
        ds.getSpec().getTemplate().getMetadata().getAnnotations().get("pipool.io/config-hash");

    io.pipool.operator.testing.OperatorHarness.edit(
        client,
        NS,
        "web",
        p -> {
          p.getSpec().getServer().setMaxConnections(1000);
        });
    eventually("the DaemonSet rolls")
        .until(
            () ->
                !hash.equals(
                    client
                        .apps()
                        .daemonSets()
                        .inNamespace(NS)
                        .withName("web-agent")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("pipool.io/config-hash")));

    // an API server with CEL (1.25+) refuses the name at admission; one without it (this tier's
    // 1.20) admits it, and the operator, the second line, reports Valid=False and creates nothing
    try {
      io.pipool.operator.testing.OperatorHarness.edit(
          client,
          NS,
          "web",
          p -> {
            p.getSpec().getSysctls().setValues(Map.of("kernel.panic", "1"));
          });
    } catch (KubernetesClientException refused) {
      assertThat(refused.getCode()).isEqualTo(422);
      assertThat(refused.getMessage()).contains("kernel.panic");
    }
    if (!"kernel.panic"
        .equals(
            client
                .resources(PiServerPool.class)
                .inNamespace(NS)
                .withName("web")
                .get()
                .getSpec()
                .getSysctls()
                .getValues()
                .keySet()
                .stream()
                .findFirst()
                .orElse(""))) {
      System.out.println("OperatorIT: the API server refused kernel.panic at admission (CEL)");
    } else {
      eventually("Valid=False")
          .until(
              () ->
                  Conditions.find(
                          client
                              .resources(PiServerPool.class)
                              .inNamespace(NS)
                              .withName("web")
                              .get()
                              .getStatus()
                              .getConditions(),
                          Conditions.VALID)
                      .map(
                          c ->
                              "False".equals(c.getStatus())
                                  && c.getMessage().contains("kernel.panic"))
                      .orElse(false));
    }

    client.resources(PiServerPool.class).inNamespace(NS).withName("web").delete();
    eventually("pool gone")
        .until(
            () ->
                client.resources(PiServerPool.class).inNamespace(NS).withName("web").get() == null);
  }

  @Test
  void theApiServerRefusesAMalformedPoolAtAdmissionNamingTheField() {
    if (!haveCluster()) {
      System.out.println("SKIPPED OperatorIT admission: PIPOOL_IT_KUBECONFIG is not set");
    }
    Assumptions.assumeTrue(haveCluster(), "PIPOOL_IT_KUBECONFIG is not set");
    GenericKubernetesResource bad =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("pipool.io/v1alpha1")
            .withKind("PiServerPool")
            .withNewMetadata()
            .withName("malformed")
            .withNamespace(NS)
            .endMetadata()
            .withAdditionalProperties(
                Map.of("spec", Map.of("server", Map.of("mode", "Bogus", "maxConnections", -5))))
            .build();
    assertThatThrownBy(() -> client.resource(bad).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining("spec.server.mode")
        .hasMessageContaining("Echo")
        .hasMessageContaining("spec.server.maxConnections");
    assertThat(client.resources(PiServerPool.class).inNamespace(NS).withName("malformed").get())
        .isNull();
  }
}
