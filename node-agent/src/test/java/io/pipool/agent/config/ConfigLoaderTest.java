package io.pipool.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipool.api.agent.AgentConfig;
import io.pipool.api.agent.AgentVariables;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.ServerSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private static AgentConfig fromEnv(Map<String, String> env) {
    return ConfigLoader.load(null, env);
  }

  @Test
  void emptyConfigGetsTheDocumentedDefaults() {
    AgentConfig s = fromEnv(Map.of());
    assertThat(s.server().host()).isEqualTo("0.0.0.0");
    assertThat(s.server().port()).isEqualTo(8080);
    assertThat(s.server().adminPort()).isEqualTo(9090);
    assertThat(s.server().mode()).isEqualTo(ServerSpec.Mode.Echo);
    assertThat(s.server().echoBodyBytes()).isEqualTo(1024);
    assertThat(s.server().maxConnections()).isEqualTo(4000);
    assertThat(s.server().idleTimeoutSeconds()).isEqualTo(60);
    assertThat(s.server().headerTimeoutSeconds()).isEqualTo(10);
    assertThat(s.server().compression()).isTrue();
    assertThat(s.server().http2()).isTrue();
    assertThat(s.server().tls()).isFalse();
    assertThat(s.sysctls().procRoot()).isEqualTo(Path.of("/proc/sys"));
    assertThat(s.sysctls().values()).isEqualTo(SysctlRules.HIGH_CONCURRENCY);
    assertThat(s.sysctls().checkIntervalSeconds()).isEqualTo(30);
    assertThat(s.thermal().sysfsRoot()).isEqualTo(Path.of("/sys"));
    assertThat(s.thermal().criticalCelsius()).isEqualTo(80.0);
    assertThat(s.thermal().recoverCelsius()).isEqualTo(75.0);
    assertThat(s.thermal().shedConnectionFraction()).isEqualTo(0.25);
    assertThat(s.thermal().treatThrottledAsHot()).isTrue();
    assertThat(s.serving().initial()).isEqualTo(AgentConfig.Serving.Initial.Serving);
    assertThat(s.server().eventLoops()).isNull();
    assertThat(s.server().agentCheck()).isFalse();
    assertThat(s.logging().level()).isEqualTo(AgentConfig.Logging.Level.INFO);
    assertThat(s.shutdownGraceSeconds()).isEqualTo(20);
    assertThat(s.limitsFile()).isEqualTo(Path.of("/proc/self/limits"));
  }

  @Test
  void inAPodTheAdminPortBindsToThePodIpUnlessTold() {
    Map<String, String> pod = Map.of(AgentVariables.POD_IP, "10.0.0.7");
    assertThat(fromEnv(pod).server().adminHost()).isEqualTo("10.0.0.7");
    // the traffic port too: the CRD promises the node's own address (host network), not 0.0.0.0
    assertThat(fromEnv(pod).server().host()).isEqualTo("10.0.0.7");
    assertThat(fromEnv(Map.of()).server().adminHost()).isEqualTo("0.0.0.0");
    assertThat(fromEnv(Map.of()).server().host()).isEqualTo("0.0.0.0");
    assertThat(
            fromEnv(Map.of(AgentVariables.POD_IP, "10.0.0.7", "PIPOOL_SERVER_HOST", "0.0.0.0"))
                .server()
                .host())
        .isEqualTo("0.0.0.0");
    Map<String, String> told =
        Map.of(AgentVariables.POD_IP, "10.0.0.7", "PIPOOL_SERVER_ADMINHOST", "127.0.0.1");
    assertThat(fromEnv(told).server().adminHost()).isEqualTo("127.0.0.1");
    String file = "server:\n  adminHost: 10.0.0.9\n";
    assertThat(ConfigLoader.parse(file, "agent.yaml", pod).server().adminHost())
        .isEqualTo("10.0.0.9");
  }

  @Test
  void yamlFieldsAreReadAndEnvironmentWinsOverThem() {
    AgentConfig s =
        ConfigLoader.parse(
            "server:\n  port: 8081\n  mode: Static\n  staticDir: /data\nnode: pi-1\n",
            "test",
            Map.of(
                "PIPOOL_SERVER_PORT", "8082",
                "PIPOOL_POD_NAME", "agent-x",
                "PIPOOL_POD_NAMESPACE", "pool",
                "PIPOOL_SYSCTLS_VALUES",
                    "net.core.somaxconn=1024, net.ipv4.ip_local_port_range=2000 60000"));
    assertThat(s.server().port()).isEqualTo(8082);
    assertThat(s.server().mode()).isEqualTo(ServerSpec.Mode.Static);
    assertThat(s.server().staticDir()).isEqualTo(Path.of("/data"));
    assertThat(s.node()).isEqualTo("pi-1");
    assertThat(s.pod()).isEqualTo("agent-x");
    assertThat(s.namespace()).isEqualTo("pool");
    assertThat(s.sysctls().values())
        .containsExactly(
            Map.entry("net.core.somaxconn", "1024"),
            Map.entry("net.ipv4.ip_local_port_range", "2000 60000"));
  }

  @Test
  void modeIsCaseInsensitiveAndProxyKeepsTheUpstream() {
    AgentConfig s =
        fromEnv(
            Map.of(
                "PIPOOL_SERVER_MODE", "proxy", "PIPOOL_SERVER_UPSTREAM", "http://10.0.0.5:81/app"));
    assertThat(s.server().mode()).isEqualTo(ServerSpec.Mode.Proxy);
    assertThat(s.server().upstream().getPort()).isEqualTo(81);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(Map.of("PIPOOL_SERVER_MODE", "Turbo"), "server.mode", "Static, Echo, Proxy"),
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
            Map.of("PIPOOL_SYSCTLS_VALUES", "novalue"), "PIPOOL_SYSCTLS_VALUES", "name=value"),
        Arguments.of(Map.of("PIPOOL_SERVER_HTTP2", "yes"), "server.http2", "true, false"),
        Arguments.of(Map.of("PIPOOL_SERVER_EVENTLOOPS", "0"), "server.eventLoops", "1 to 256"));
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
  void typeErrorsTyposAndRangesInTheFileAreReportedTogether() {
    String yaml =
        "server:\n  prot: 80\n  maxConnections: lots\n  mode: Turbo\n"
            + "thermal:\n  criticalCelsius: 300\nlogging:\n  level: TRACE\n";
    assertThatThrownBy(() -> ConfigLoader.parse(yaml, "agent.yaml", Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "unknown field \"server.prot\"; allowed fields here: [adminHost, adminPort,"
                            + " agentCheckPort, compression, echoBodyBytes, eventLoops,"
                            + " headerTimeoutSeconds, host, http2, idleTimeoutSeconds,"
                            + " maxConnections, mode, port, staticDir, tlsCertFile, tlsKeyFile,"
                            + " upstream]",
                        "server.maxConnections: \"lots\" is not a valid whole number",
                        "server.mode: \"Turbo\" is not allowed; allowed are Static, Echo, Proxy",
                        "thermal.criticalCelsius: 300.0 is out of range; allowed is 20 to 120"
                            + " degrees Celsius",
                        "logging.level: \"TRACE\" is not allowed; allowed are DEBUG, INFO, WARN,"
                            + " ERROR"));
  }

  @Test
  void aSectionOfTheWrongShapeIsAProblemOfItsOwn() {
    assertThatThrownBy(
            () -> ConfigLoader.parse("server: [1, 2]\nsysctls: 5\n", "agent.yaml", Map.of()))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "server: a list is not allowed; allowed is a mapping of fields",
                        "sysctls: 5 is not allowed; allowed is a mapping of fields"));
  }

  @Test
  void aProblemFromTheEnvironmentNamesItsVariable() {
    assertThatThrownBy(() -> fromEnv(Map.of("PIPOOL_SERVER_PORT", "70000")))
        .hasMessageContaining(
            "server.port: 70000 is out of range; allowed is 0 to 65535 (from PIPOOL_SERVER_PORT)");
  }

  @Test
  void everyFieldHasOneSystematicVariable() {
    assertThat(AgentVariables.entries().stream().map(AgentVariables.Entry::variable))
        .doesNotHaveDuplicates()
        .contains(
            "PIPOOL_SERVER_PORT",
            "PIPOOL_SERVER_MAXCONNECTIONS",
            "PIPOOL_SYSCTLS_VALUES",
            "PIPOOL_LOGGING_JSON",
            "PIPOOL_NODE_NAME",
            "PIPOOL_POD_NAME",
            "PIPOOL_POD_NAMESPACE",
            "PIPOOL_SHUTDOWNGRACESECONDS",
            "PIPOOL_LIMITSFILE")
        .hasSize(37);
  }

  @Test
  void theFileTheOperatorWouldWriteReadsBackUnchanged() throws Exception {
    AgentConfig c =
        ConfigLoader.parse("server:\n  mode: Proxy\n  upstream: http://u:81\n", "t", Map.of());
    String yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().writeValueAsString(c);
    assertThat(yaml).contains("staticDir: \"/srv/static\"").doesNotContain("file:");
    assertThat(ConfigLoader.parse(yaml, "round trip", Map.of())).isEqualTo(c);
  }

  @Test
  void unknownYamlFieldIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> ConfigLoader.parse("server:\n  prot: 80\n", "agent.yaml", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("prot")
        .hasMessageContaining("port");
  }

  @Test
  void malformedYamlIsAConfigError() {
    assertThatThrownBy(() -> ConfigLoader.parse("server: [1, 2\n", "agent.yaml", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml");
  }
}
