package io.pipool.simulator;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.pipool.simulator.cluster.ClusterCache;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import io.pipool.simulator.net.NodeNetwork;
import org.junit.jupiter.api.Test;

/** Who may use what inside the simulator; its models and rendering stay plain Java. */
class ArchitectureTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pipool.simulator");

  @Test
  void onlyTheSimulatedClusterWritesPodStatus() {
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pipool.simulator.cluster..")
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(
            PodStatusBuilder.class, ContainerStatusBuilder.class, PodConditionBuilder.class)
        .because("a pod's status is the kubelet's to write (cluster.PodStatuses)")
        .check(CLASSES);
  }

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

  @Test
  void thePodStateMachineTakesDecisionsAndLeavesTheIoToItsEffects() {
    noClasses()
        .that()
        .haveSimpleNameStartingWith("PodLife")
        .or()
        .haveSimpleNameStartingWith("StartOutcome")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8.kubernetes.client..", "io.vertx..")
        .check(CLASSES);
  }

  @Test
  void theKubectlFrontSeesOnlyTheEmbeddedApiServerOfTheCluster() {
    classes()
        .that()
        .resideInAPackage("io.pipool.simulator.kubectl..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("io.pipool.simulator.cluster..")
                .or(belongToAnyOf(EmbeddedApiServer.class)))
        .check(CLASSES);
  }

  @Test
  void theDemoUsesTheSimulatorsPublicApi() {
    classes()
        .that()
        .resideInAPackage("io.pipool.simulator.demo..")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackages(
                    "io.pipool.simulator.cluster..",
                    "io.pipool.simulator.kubectl..",
                    "io.pipool.simulator.net..")
                // what the Simulator's accessors hand out
                .or(belongToAnyOf(ClusterCache.class, EmbeddedApiServer.class, NodeNetwork.class)))
        .because("the demo drives the Simulator like any user of it")
        .check(CLASSES);
  }

  @Test
  void nothingButTheSimulatorRunsTheControlLoopOrTheKubectlFront() {
    noClasses()
        .that()
        .doNotHaveFullyQualifiedName(Simulator.class.getName())
        .and()
        .resideOutsideOfPackages("io.pipool.simulator.cluster..", "io.pipool.simulator.kubectl..")
        .should()
        .dependOnClassesThat()
        .haveSimpleNameStartingWith("ControlLoop")
        .orShould()
        .dependOnClassesThat()
        .haveSimpleNameStartingWith("KubectlGateway")
        .check(CLASSES);
  }
}
