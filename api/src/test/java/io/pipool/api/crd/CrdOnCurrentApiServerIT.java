package io.pipool.api.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.api.v1alpha1.PiServerPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD the build generates, on a current Kubernetes API server: Kubernetes 1.36's
 * apiextensions-apiserver ({@code bin/cel-apiserver}, kubeconfig in PIPOOL_IT_CEL_KUBECONFIG). The
 * server estimates every CEL rule's cost from the schema and refuses the whole CRD when a rule or
 * their sum is over its budget, so a field or rule that breaks the budget fails here first. Then
 * every pool of {@link CrdCelRulesTest#pools()} is created there: the valid ones are stored, the
 * invalid ones refused by the server's own CEL and schema validation, naming each field the unit
 * test expects (and, for our CEL rules, printing our message). Without the variable the test says
 * SKIPPED, like the other ITs.
 */
class CrdOnCurrentApiServerIT {

  private static final String KUBECONFIG = System.getenv("PIPOOL_IT_CEL_KUBECONFIG");

  /** The standalone server has no namespaces to create: a custom resource may name any. */
  private static final String NS = "pipool-cel-" + UUID.randomUUID().toString().substring(0, 8);

  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final AtomicBoolean SKIP_PRINTED = new AtomicBoolean();
  private static KubernetesClient client;
  private static CustomResourceDefinition crd;

  /** CrdCelRulesTest's model of the same CRD: tells our CEL rules' refusals from the schema's. */
  private static CrdAdmission admission;

  private static boolean haveServer() {
    return KUBECONFIG != null && !KUBECONFIG.isBlank();
  }

  private static void skipWithoutServer() {
    if (!haveServer() && !SKIP_PRINTED.getAndSet(true)) {
      // printed as well (once), so the skip shows in the build log and not only in the reports
      System.out.println(
          "SKIPPED CrdOnCurrentApiServerIT (the CRD and every pool of CrdCelRulesTest on"
              + " Kubernetes 1.36): PIPOOL_IT_CEL_KUBECONFIG is not set");
    }
    Assumptions.assumeTrue(
        haveServer(),
        "PIPOOL_IT_CEL_KUBECONFIG is not set: no current API server to check the CRD on");
  }

  @BeforeAll
  static void createTheCrd() throws Exception {
    if (!haveServer()) {
      return; // each test reports the skip
    }
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(Path.of(KUBECONFIG))))
            .build();
    String yaml = PublishedCrd.render();
    admission = new CrdAdmission(PublishedCrd.YAML.readTree(yaml));
    CustomResourceDefinition generated =
        Serialization.unmarshal(yaml, CustomResourceDefinition.class);
    String name = generated.getMetadata().getName();
    if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null) {
      // left by an earlier run by hand on the same server: start from the build's CRD
      client.apiextensions().v1().customResourceDefinitions().withName(name).delete();
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(c -> c == null, 60, TimeUnit.SECONDS);
    }
    try {
      client.resource(generated).create();
    } catch (KubernetesClientException e) {
      throw new AssertionError(
          "the API server ("
              + client.getMasterUrl()
              + ") refused the CRD the build generates, "
              + (e.getMessage().contains("cost")
                  ? "over its CEL cost budget"
                  : "for a reason other than the CEL cost budget")
              + ":\n"
              + causes(e),
          e);
    }
    crd =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(name)
            .waitUntilCondition(
                c -> c != null && condition(c, "Established"), 60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void deleteTheCrd() {
    if (client != null) {
      if (crd != null) {
        client.resource(crd).delete();
      }
      client.close();
    }
  }

  @Test
  void theServerEstablishesTheCrdWithinItsCelCostBudget() {
    skipWithoutServer();
    assertThat(crd.getStatus().getAcceptedNames().getKind()).isEqualTo("PiServerPool");
    assertThat(condition(crd, "NamesAccepted")).as("condition NamesAccepted").isTrue();
    // the server kept every rule the build wrote (an older one would drop them silently)
    assertThat(Serialization.asYaml(crd.getSpec())).contains("x-kubernetes-validations");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.pipool.api.crd.CrdCelRulesTest#pools")
  void theServerAdmitsOrRefusesEachPoolAsTheUnitTestSays(CrdCelRulesTest.Pool pool) {
    skipWithoutServer();
    GenericKubernetesResource resource =
        new GenericKubernetesResourceBuilder()
            .withApiVersion(HasMetadata.getApiVersion(PiServerPool.class))
            .withKind(HasMetadata.getKind(PiServerPool.class))
            .withNewMetadata()
            .withName(objectName(pool))
            .withNamespace(NS)
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", pool.spec()))
            .build();
    var pools =
        client
            .genericKubernetesResources(
                ResourceDefinitionContext.fromResourceType(PiServerPool.class))
            .inNamespace(NS);
    if (pool.refusals().isEmpty()) {
      GenericKubernetesResource stored = pools.resource(resource).create();
      assertThat(stored.getMetadata().getUid()).as("stored " + pool).isNotBlank();
      return;
    }
    List<CrdAdmission.Refusal> expected = admission.review(pool.spec());
    assertThatThrownBy(() -> pools.resource(resource).create())
        .as("the server should refuse %s: %s", pool, pool.spec())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).as("HTTP status, refusal:\n%s", causes(e)).isEqualTo(422);
              List<StatusCause> said = refusals(e);
              for (CrdAdmission.Refusal refusal : expected) {
                String field = dotted(refusal.field());
                if (refusal.rule() != null) {
                  // our own rule: the server must name the field and print our message
                  assertThat(said)
                      .as(
                          "a refusal of %s saying %s; the server said:\n%s",
                          field, refusal, causes(e))
                      .anyMatch(
                          c ->
                              field.equals(dotted(c.getField()))
                                  && c.getMessage().contains(refusal.message()));
                } else {
                  // a schema keyword (pattern, maxLength, maxItems...): Kubernetes' own words,
                  // which change between releases; the field must be named
                  assertThat(said)
                      .as("a refusal of %s; the server said:\n%s", field, causes(e))
                      .anyMatch(c -> field.equals(dotted(c.getField())));
                }
              }
              assertThat(said)
                  .as(
                      "one refusal for each the unit test expects: %s; the server said:\n%s",
                      pool.refusals(), causes(e))
                  .hasSameSizeAs(pool.refusals());
            });
    assertThat(pools.withName(resource.getMetadata().getName()).get()).isNull();
  }

  /**
   * The server's refusals, less its note that the CEL rules were not run because the schema already
   * refused the object (since Kubernetes 1.30 it skips them when a bound is broken).
   */
  private static List<StatusCause> refusals(KubernetesClientException e) {
    if (e.getStatus() == null || e.getStatus().getDetails() == null) {
      return List.of();
    }
    return e.getStatus().getDetails().getCauses().stream()
        .filter(c -> !c.getMessage().contains("some validation rules were not checked"))
        .toList();
  }

  /**
   * A field path with map keys written as CEL writes them ({@code values[net.core.somaxconn]}) or
   * as the schema validator does ({@code values.net.core.somaxconn}), in the second form.
   */
  private static String dotted(String field) {
    return field == null ? "" : field.replaceAll("\\[([^\\]]*)\\]", ".$1");
  }

  private static String causes(KubernetesClientException e) {
    if (e.getStatus() == null || e.getStatus().getDetails() == null) {
      return String.valueOf(e.getMessage());
    }
    List<StatusCause> causes = e.getStatus().getDetails().getCauses();
    return causes.isEmpty()
        ? e.getStatus().getMessage()
        : causes.stream()
            .map(c -> "  " + c.getField() + ": " + c.getMessage())
            .collect(Collectors.joining("\n"));
  }

  private static boolean condition(CustomResourceDefinition c, String type) {
    return c.getStatus() != null
        && c.getStatus().getConditions().stream()
            .anyMatch(k -> type.equals(k.getType()) && "True".equals(k.getStatus()));
  }

  /** A DNS name from the case's name, numbered so that two cases never share one. */
  private static String objectName(CrdCelRulesTest.Pool pool) {
    String base = pool.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    base = base.substring(0, Math.min(base.length(), 50)).replaceAll("^-+|-+$", "");
    return base + "-" + SEQUENCE.incrementAndGet();
  }
}
