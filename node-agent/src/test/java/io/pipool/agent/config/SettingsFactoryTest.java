package io.pipool.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipool.api.sysctl.SysctlRules;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SettingsFactoryTest {

  private static AgentSettings fromEnv(Map<String, String> env) {
    return SettingsFactory.fromConfig(ConfigLoader.empty(), env);
  }

  @Test
  void emptyConfigGetsTheDocumentedDefaults() {
    AgentSettings s = fromEnv(Map.of());
    assertThat(s.server().host()).isEqualTo("0.0.0.0");
    assertThat(s.server().port()).isEqualTo(8080);
    assertThat(s.server().adminPort()).isEqualTo(9090);
    assertThat(s.server().mode()).isEqualTo(AgentSettings.Mode.Echo);
    assertThat(s.server().echoBodyBytes()).isEqualTo(1024);
    assertThat(s.server().maxConnections()).isEqualTo(4000);
    assertThat(s.server().idleTimeoutSeconds()).isEqualTo(60);
    assertThat(s.server().headerTimeoutSeconds()).isEqualTo(10);
    assertThat(s.server().compression()).isTrue();
    assertThat(s.server().http2()).isTrue();
    assertThat(s.server().tls()).isFalse();
    assertThat(s.sysctl().procRoot()).isEqualTo(Path.of("/proc/sys"));
    assertThat(s.sysctl().values()).isEqualTo(SysctlRules.HIGH_CONCURRENCY);
    assertThat(s.sysctl().checkIntervalSeconds()).isEqualTo(30);
    assertThat(s.thermal().sysfsRoot()).isEqualTo(Path.of("/sys"));
    assertThat(s.thermal().criticalCelsius()).isEqualTo(80.0);
    assertThat(s.thermal().recoverCelsius()).isEqualTo(75.0);
    assertThat(s.thermal().shedConnectionFraction()).isEqualTo(0.25);
    assertThat(s.thermal().treatThrottledAsHot()).isTrue();
    assertThat(s.initialServing()).isTrue();
    assertThat(s.shutdownGraceSeconds()).isEqualTo(20);
    assertThat(s.limitsFile()).isEqualTo(Path.of("/proc/self/limits"));
  }

  @Test
  void inAPodTheAdminPortBindsToThePodIpUnlessTold() {
    Map<String, String> pod = Map.of(SettingsFactory.POD_IP_VARIABLE, "10.0.0.7");
    assertThat(SettingsFactory.fromConfig(ConfigLoader.empty(), pod).server().adminHost())
        .isEqualTo("10.0.0.7");
    assertThat(SettingsFactory.fromConfig(ConfigLoader.empty(), Map.of()).server().adminHost())
        .isEqualTo("0.0.0.0");
    Map<String, String> told =
        Map.of(SettingsFactory.POD_IP_VARIABLE, "10.0.0.7", "PIPOOL_SERVER_ADMINHOST", "127.0.0.1");
    assertThat(SettingsFactory.fromConfig(ConfigLoader.empty(), told).server().adminHost())
        .isEqualTo("127.0.0.1");
  }

  @Test
  void yamlFieldsAreReadAndEnvironmentWinsOverThem() {
    var file =
        ConfigLoader.parse(
            "server:\n  port: 8081\n  mode: Static\n  staticDir: /data\nnode: pi-1\n", "test");
    AgentSettings s =
        SettingsFactory.fromConfig(
            file,
            Map.of(
                "PIPOOL_SERVER_PORT", "8082",
                "PIPOOL_POD_NAME", "agent-x",
                "PIPOOL_POD_NAMESPACE", "pool",
                "PIPOOL_SYSCTLS_VALUES",
                    "net.core.somaxconn=1024, net.ipv4.ip_local_port_range=2000 60000"));
    assertThat(s.server().port()).isEqualTo(8082);
    assertThat(s.server().mode()).isEqualTo(AgentSettings.Mode.Static);
    assertThat(s.server().staticDir()).isEqualTo(Path.of("/data"));
    assertThat(s.node()).isEqualTo("pi-1");
    assertThat(s.pod()).isEqualTo("agent-x");
    assertThat(s.namespace()).isEqualTo("pool");
    assertThat(s.sysctl().values())
        .containsExactly(
            Map.entry("net.core.somaxconn", "1024"),
            Map.entry("net.ipv4.ip_local_port_range", "2000 60000"));
  }

  @Test
  void modeIsCaseInsensitiveAndProxyKeepsTheUpstream() {
    AgentSettings s =
        fromEnv(
            Map.of(
                "PIPOOL_SERVER_MODE", "proxy", "PIPOOL_SERVER_UPSTREAM", "http://10.0.0.5:81/app"));
    assertThat(s.server().mode()).isEqualTo(AgentSettings.Mode.Proxy);
    assertThat(s.server().upstream().getPort()).isEqualTo(81);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(Map.of("PIPOOL_SERVER_MODE", "Turbo"), "server.mode", "Echo, Static, Proxy"),
        Arguments.of(Map.of("PIPOOL_SERVER_PORT", "70000"), "server.port", "0 to 65535"),
        Arguments.of(Map.of("PIPOOL_SERVER_PORT", "-1"), "server.port", "0 to 65535"),
        Arguments.of(Map.of("PIPOOL_SERVER_PORT", "http"), "PIPOOL_SERVER_PORT", "not a valid"),
        Arguments.of(Map.of("PIPOOL_SERVER_ADMINPORT", "8080"), "server.adminPort", "differ"),
        Arguments.of(
            Map.of("PIPOOL_SERVER_AGENTCHECKPORT", "9090"), "server.agentCheckPort", "differ"),
        Arguments.of(
            Map.of("PIPOOL_SERVER_AGENTCHECKPORT", "70000"), "server.agentCheckPort", "65535"),
        Arguments.of(Map.of("PIPOOL_SERVER_MAXCONNECTIONS", "0"), "server.maxConnections", "1 to"),
        Arguments.of(Map.of("PIPOOL_SERVER_MODE", "Proxy"), "server.upstream", "required"),
        Arguments.of(
            Map.of("PIPOOL_SERVER_MODE", "Proxy", "PIPOOL_SERVER_UPSTREAM", "ftp://x"),
            "server.upstream",
            "http://host"),
        Arguments.of(
            Map.of("PIPOOL_SERVER_TLSCERTFILE", "/tls/cert.pem"), "server.tlsKeyFile", "both"),
        Arguments.of(
            Map.of("PIPOOL_THERMAL_RECOVERCELSIUS", "85"), "thermal.recoverCelsius", "below"),
        Arguments.of(
            Map.of("PIPOOL_THERMAL_SHEDCONNECTIONFRACTION", "1.5"),
            "thermal.shedConnectionFraction",
            "(0, 1]"),
        Arguments.of(
            Map.of("PIPOOL_SERVING_INITIAL", "Maybe"), "serving.initial", "Serving, Standby"),
        Arguments.of(Map.of("PIPOOL_LOGGING_LEVEL", "TRACE"), "logging.level", "DEBUG, INFO"),
        Arguments.of(Map.of("PIPOOL_SHUTDOWNGRACESECONDS", "-5"), "shutdownGraceSeconds", "0 to"),
        Arguments.of(
            Map.of("PIPOOL_SYSCTLS_VALUES", "novalue"), "PIPOOL_SYSCTLS_VALUES", "name=value"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidValuesNameTheFieldAndWhatIsAllowed(
      Map<String, String> env, String field, String allowed) {
    assertThatThrownBy(() -> fromEnv(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(allowed);
  }

  @Test
  void allProblemsAreReportedAtOnce() {
    assertThatThrownBy(
            () -> fromEnv(Map.of("PIPOOL_SERVER_MODE", "Turbo", "PIPOOL_SERVER_PORT", "99999")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(2));
  }

  @Test
  void unknownYamlFieldIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  prot: 80\n", "agent.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("prot")
        .hasMessageContaining("port");
  }

  @Test
  void malformedYamlIsAConfigError() {
    assertThatThrownBy(() -> ConfigLoader.parse("server: [1, 2\n", "agent.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml");
  }
}
