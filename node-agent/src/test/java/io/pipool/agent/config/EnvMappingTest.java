package io.pipool.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvMappingTest {

  @ParameterizedTest
  @CsvSource({
    "server.port, PIPOOL_SERVER_PORT",
    "server.mode, PIPOOL_SERVER_MODE",
    "server.maxConnections, PIPOOL_SERVER_MAXCONNECTIONS",
    "sysctls.procRoot, PIPOOL_SYSCTLS_PROCROOT",
    "sysctls.values, PIPOOL_SYSCTLS_VALUES",
    "thermal.sysfsRoot, PIPOOL_THERMAL_SYSFSROOT",
    "serving.initial, PIPOOL_SERVING_INITIAL",
    "logging.json, PIPOOL_LOGGING_JSON",
    "node, PIPOOL_NODE_NAME",
    "pod, PIPOOL_POD_NAME",
    "namespace, PIPOOL_POD_NAMESPACE",
    "shutdownGraceSeconds, PIPOOL_SHUTDOWNGRACESECONDS"
  })
  void everyFieldHasOneSystematicVariable(String path, String variable) {
    assertThat(EnvMapping.variableFor(path)).isEqualTo(variable);
  }

  @org.junit.jupiter.api.Test
  void variablesAreUnique() {
    assertThat(EnvMapping.entries().stream().map(EnvMapping.Entry::variable))
        .doesNotHaveDuplicates()
        .hasSizeGreaterThan(30);
  }
}
