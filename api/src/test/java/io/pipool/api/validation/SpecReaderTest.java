package io.pipool.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pool whose spec holds a value of the wrong type or outside an enum still reads (as it must for
 * the operator to report it), and the problem is named by its spec path, not by Java types.
 */
class SpecReaderTest {

  static Stream<Arguments> mistypedPools() {
    return Stream.of(
        Arguments.of(
            "unknown mode",
            "server: {mode: Bogus}",
            "spec.server.mode: \"Bogus\" is invalid; allowed: Static, Echo or Proxy"),
        Arguments.of(
            "port as a word",
            "server: {port: eighty}",
            "spec.server.port: \"eighty\" is invalid; allowed: a whole number"),
        Arguments.of(
            "temperature as a word",
            "thermal: {drainCelsius: hot}",
            "spec.thermal.drainCelsius: \"hot\" is invalid; allowed: a number"),
        Arguments.of(
            "policy type in a list",
            "autoscaling: {scaleUp: {policies: [{type: Nodes, value: 1, periodSeconds: 60}]}}",
            "spec.autoscaling.scaleUp.policies[0].type: \"Nodes\" is invalid; allowed: Pods or"
                + " Percent"),
        Arguments.of(
            "sysctls as a list",
            "sysctls: {values: [net.core.somaxconn=4096]}",
            "spec.sysctls.values: [\"net.core.somaxconn=4096\"] is invalid; allowed: a map of"
                + " names to values"),
        Arguments.of(
            "a newline in an enum value stays on one line",
            "service: {type: \"NodePort\\nkernel.panic\"}",
            "spec.service.type: \"NodePort\\nkernel.panic\" is invalid; allowed: ClusterIP,"
                + " NodePort or LoadBalancer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistypedPools")
  void aMistypedValueIsReportedByItsSpecPathWithTheAllowedValues(
      String name, String specYaml, String message) {
    PiServerPool pool = Serialization.unmarshal(pool(specYaml), PiServerPool.class);
    assertThat(SpecValidator.validate(pool.getSpec()))
        .extracting(Violation::message)
        .containsExactly(message);
  }

  @Test
  void theRestOfTheSpecIsStillReadAndTheBadFieldKeepsItsDefault() {
    PiServerPool pool =
        Serialization.unmarshal(
            pool("server: {mode: Bogus, port: 8081, maxConnections: oops}"), PiServerPool.class);
    assertThat(pool.getSpec().getServer().getPort()).isEqualTo(8081);
    assertThat(pool.getSpec().getServer().getMode()).isEqualTo(ServerSpec.Mode.Echo);
    assertThat(SpecValidator.validate(pool.getSpec()))
        .extracting(Violation::path)
        .containsExactly("spec.server.mode", "spec.server.maxConnections");
  }

  @Test
  void aWellTypedPoolHasNoParseViolationsAndWritesNone() {
    PiServerPool pool = Serialization.unmarshal(pool("server: {mode: Proxy}"), PiServerPool.class);
    assertThat(pool.getSpec().getParseViolations()).isEmpty();
    assertThat(Serialization.asYaml(pool)).doesNotContain("parseViolations");
  }

  private static String pool(String specYaml) {
    return "apiVersion: pipool.io/v1alpha1\nkind: PiServerPool\nmetadata: {name: web}\nspec: {"
        + specYaml
        + "}\n";
  }
}
