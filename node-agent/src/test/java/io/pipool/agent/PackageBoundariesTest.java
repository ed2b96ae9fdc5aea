package io.pipool.agent;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The agent's package boundaries, as docs/architecture.md describes them. */
class PackageBoundariesTest {

  private static final JavaClasses AGENT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pipool.agent");

  @Test
  void configDependsOnNothingElseInTheAgent() {
    noClasses()
        .that()
        .resideInAPackage("io.pipool.agent.config..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.pipool.agent..")
                .and(resideOutsideOfPackage("io.pipool.agent.config.."))
                .as("agent classes outside config"))
        .check(AGENT);
  }

  @Test
  void statusDoesNotDependOnTheServer() {
    noClasses()
        .that()
        .resideInAPackage("io.pipool.agent.status..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.pipool.agent.server..")
        .check(AGENT);
  }

  @Test
  void dependenciesPointDownTheLayers() {
    layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .layer("cli")
        .definedBy("io.pipool.agent.cli..")
        .layer("agent")
        .definedBy("io.pipool.agent")
        .layer("adapters")
        .definedBy(
            "io.pipool.agent.server..", "io.pipool.agent.balancer..", "io.pipool.agent.kube..")
        .layer("status")
        .definedBy("io.pipool.agent.status..")
        .layer("readers")
        .definedBy("io.pipool.agent.sysctl..", "io.pipool.agent.thermal..")
        .layer("config")
        .definedBy("io.pipool.agent.config..")
        .whereLayer("cli")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("agent")
        .mayOnlyBeAccessedByLayers("cli")
        .whereLayer("adapters")
        .mayOnlyBeAccessedByLayers("cli", "agent")
        .whereLayer("status")
        .mayOnlyBeAccessedByLayers("cli", "agent", "adapters")
        .whereLayer("readers")
        .mayOnlyBeAccessedByLayers("cli", "agent", "adapters", "status")
        .whereLayer("config")
        .mayOnlyBeAccessedByLayers("cli")
        .check(AGENT);
  }

  @Test
  void nothingUsesJavaUtilLogging() {
    noClasses().should().dependOnClassesThat().resideInAPackage("java.util.logging..").check(AGENT);
  }

  @Test
  void onlyTheCommandLineReadsTheEnvironment() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pipool.agent.cli..")
        .should()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .check(AGENT);
  }

  @Test
  void configSysctlAndThermalLogicUseNeitherVertxNorTheKubernetesClient() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.pipool.agent.config..", "io.pipool.agent.sysctl..", "io.pipool.agent.thermal..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.fabric8..", "io.netty..")
        .check(AGENT);
  }
}
