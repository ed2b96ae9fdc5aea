package io.pipool.simulator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The simulator's decisions and models stay free of the Kubernetes client and Vert.x. */
class PureLogicTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pipool.simulator");

  @Test
  void modelsAndRenderingImportNeitherTheClientNorVertx() {
    noClasses()
        .that()
        .haveSimpleNameStartingWith("ThermalModel")
        .or()
        .haveSimpleNameStartingWith("ThermalProfile")
        .or()
        .haveSimpleNameStartingWith("LoadProfile")
        .or()
        .haveSimpleNameStartingWith("LiveView")
        .or()
        .haveSimpleNameStartingWith("Frame")
        .or()
        .haveSimpleNameStartingWith("DemoOptions")
        .or()
        .haveSimpleNameStartingWith("Summary")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "io.vertx..")
        .check(CLASSES);
  }
}
