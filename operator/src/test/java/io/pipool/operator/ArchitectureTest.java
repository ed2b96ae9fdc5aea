package io.pipool.operator;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import org.junit.jupiter.api.Test;

/** The operator's boundaries, checked on its compiled classes. */
class ArchitectureTest {

  private static final JavaClasses OPERATOR =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.pipool.operator");

  @Test
  void pureDecisionsAndBuildersUseNoClientNoSdkNoVertxNoHttp() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.pipool.operator.model..",
            "io.pipool.operator.autoscale..",
            "io.pipool.operator.status..",
            "io.pipool.operator.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client..",
            "io.javaoperatorsdk..",
            "io.vertx..",
            "java.net.http..")
        .check(OPERATOR);
  }

  @Test
  void dependentResourcesLiveInTheDependentPackageOnly() {
    classes()
        .that()
        .areAssignableTo(KubernetesDependentResource.class)
        .should()
        .resideInAPackage("io.pipool.operator.dependent")
        .check(OPERATOR);
  }

  @Test
  void dependentsKnowTheModelNotTheReconcilerOrThePoller() {
    noClasses()
        .that()
        .resideInAPackage("io.pipool.operator.dependent")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.pipool.operator.reconciler..",
            "io.pipool.operator.poll..",
            "io.pipool.operator.metrics..")
        .check(OPERATOR);
  }

  @Test
  void thePollerIsALeafReachedOnlyThroughItsThreeTypes() {
    noClasses()
        .that()
        .resideInAPackage("io.pipool.operator.poll")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.pipool.operator.reconciler..",
            "io.pipool.operator.dependent..",
            "io.pipool.operator.model..",
            "io.fabric8..",
            "io.javaoperatorsdk..")
        .check(OPERATOR);
    noClasses()
        .that()
        .resideOutsideOfPackage("io.pipool.operator.poll")
        .should()
        .dependOnClassesThat(
            resideInAPackage("io.pipool.operator.poll")
                .and(
                    not(
                        simpleName("AgentPoller")
                            .or(simpleName("PollTarget"))
                            .or(simpleName("PollResult")))))
        .check(OPERATOR);
  }

  /** Collaborators arrive in constructors: no late setter can fill a final field. */
  @Test
  void reconcilerAndDependentsHaveOnlyFinalFieldsAndNoVolatileOnes() {
    fields()
        .that()
        .areDeclaredInClassesThat()
        .resideInAnyPackage("io.pipool.operator.reconciler", "io.pipool.operator.dependent")
        .should()
        .beFinal()
        .check(OPERATOR);
    noFields()
        .that()
        .areDeclaredInClassesThat()
        .resideInAnyPackage("io.pipool.operator..")
        .and()
        .areDeclaredInClassesThat(not(assignableTo(PiPoolOperator.class)))
        .should()
        .haveModifier(JavaModifier.VOLATILE)
        .check(OPERATOR);
  }
}
