package io.pipool.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorConfigTest {

  @Test
  void anEmptyEnvironmentGivesTheDocumentedDefaults() {
    OperatorConfig c = OperatorConfig.fromEnv(Map.of());
    assertThat(c.watchAllNamespaces()).isTrue();
    assertThat(c.defaultAgentImage()).isEqualTo("pipool/node-agent:" + OperatorConfig.VERSION);
    assertThat(c.defaultAgentImage()).doesNotContain("${");
    assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.defaultPollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.leaderElection()).isTrue();
    assertThat(c.leaseName()).isEqualTo("pi-pool-operator-lease");
    assertThat(c.leaseNamespace()).isNull();
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.restoreTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.serverSideApply()).isTrue();
  }

  @Test
  void everySettingIsReadFromItsVariable() {
    OperatorConfig c =
        OperatorConfig.fromEnv(
            Map.ofEntries(
                Map.entry("PIPOOL_WATCH_NAMESPACES", " web , shop,"),
                Map.entry("PIPOOL_AGENT_IMAGE", "me/agent:1"),
                Map.entry("PIPOOL_POLL_TIMEOUT_MS", "800"),
                Map.entry("PIPOOL_DEFAULT_POLL_INTERVAL_SECONDS", "5"),
                Map.entry("PIPOOL_LEADER_ELECTION", "FALSE"),
                Map.entry("PIPOOL_LEASE_NAME", "lease"),
                Map.entry("PIPOOL_LEASE_NAMESPACE", "ops"),
                Map.entry("PIPOOL_HTTP_PORT", "-1"),
                Map.entry("PIPOOL_RESTORE_TIMEOUT_SECONDS", "30"),
                Map.entry("PIPOOL_RESTORE_CHECK_SECONDS", "2"),
                Map.entry("PIPOOL_SERVER_SIDE_APPLY", "false")));
    assertThat(c.watchNamespaces()).isEqualTo(Set.of("web", "shop"));
    assertThat(c.defaultAgentImage()).isEqualTo("me/agent:1");
    assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(800));
    assertThat(c.defaultPollInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.leaderElection()).isFalse();
    assertThat(c.leaseName()).isEqualTo("lease");
    assertThat(c.leaseNamespace()).isEqualTo("ops");
    assertThat(c.httpPort()).isEqualTo(-1);
    assertThat(c.restoreTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.restoreCheckInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.serverSideApply()).isFalse();
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "PIPOOL_POLL_TIMEOUT_MS, soon, 'PIPOOL_POLL_TIMEOUT_MS=\"soon\" is invalid: allowed are whole numbers from 50 to 60000'",
    "PIPOOL_HTTP_PORT, 70000, 'PIPOOL_HTTP_PORT=\"70000\" is invalid: allowed are whole numbers from -1 to 65535'",
    "PIPOOL_LEADER_ELECTION, yes, 'PIPOOL_LEADER_ELECTION=\"yes\" is invalid: allowed values are true or false'",
    "PIPOOL_AGENT_IMAGE, 'a b', 'PIPOOL_AGENT_IMAGE=\"a b\" is invalid: allowed is an image reference without spaces'",
  })
  void badValuesAreRefusedNamingTheVariableAndWhatIsAllowed(
      String key, String value, String message) {
    assertThatThrownBy(() -> OperatorConfig.fromEnv(Map.of(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }
}
