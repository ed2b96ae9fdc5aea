package io.pipool.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class PureLogicTest {

  @Test
  void configSysctlAndThermalLogicUseNeitherVertxNorTheKubernetesClient() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.pipool.agent.config..", "io.pipool.agent.sysctl..", "io.pipool.agent.thermal..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.vertx..", "io.fabric8..", "io.netty..")
        .check(
            new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.pipool.agent"));
  }
}
