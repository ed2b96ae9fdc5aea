package io.pipool.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private Path config;

  @BeforeEach
  void fakeNode() {
    TestAgents.write(dir.resolve("proc/net/core/somaxconn"), "128\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/tcp_max_syn_backlog"), "256\n");
    config = dir.resolve("agent.yaml");
    writeConfig("    net.core.somaxconn: \"4096\"\n    net.ipv4.tcp_max_syn_backlog: \"4096\"\n");
  }

  private void writeConfig(String values) {
    TestAgents.write(
        config,
        "sysctls:\n  procRoot: "
            + dir.resolve("proc")
            + "\n  stateFile: "
            + dir.resolve("state.json")
            + "\n  values:\n"
            + values);
  }

  private int run(Map<String, String> env, String... args) {
    return Main.run(
        args,
        env,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @CsvSource({
    "'', 2",
    "--help, 0",
    "frobnicate, 2",
    "serve, 2",
    "apply-sysctls, 2",
    "'serve --config', 2",
    "'serve --config a.yaml extra', 2",
    "'serve --config /no/such/agent.yaml', 2",
    "'serve --config a.yaml --config /no/such/agent.yaml', 2",
    "'apply-sysctls --config a.yaml --config b.yaml', 2"
  })
  void usageErrorsExitTwo(String line, int code) {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    assertThat(run(Map.of(), args)).isEqualTo(code);
  }

  @Test
  void helpListsTheCommands() {
    run(Map.of(), "--help");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("serve --config", "apply-sysctls", "restore-sysctls", "PIPOOL_SERVER_PORT");
  }

  @Test
  void badConfigExitsTwoNamingTheField() {
    TestAgents.write(config, "server:\n  mode: Turbo\n  port: 99999\n");
    assertThat(run(Map.of(), "serve", "--config", config.toString())).isEqualTo(2);
    assertThat(err()).contains("server.mode", "Static, Echo, Proxy", "server.port", "0 to 65535");
  }

  @Test
  void badEnvironmentExitsTwoNamingTheVariable() {
    assertThat(run(Map.of("PIPOOL_SERVER_PORT", "eighty"), "serve", "--config", config.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("PIPOOL_SERVER_PORT");
  }

  @ParameterizedTest
  @CsvSource({"soon", "0", "3601"})
  void aBadStartTimeoutExitsTwoNamingTheVariableAndItsRange(String value) {
    // checked before the configuration: the error names the variable, not the missing file
    assertThat(
            run(
                Map.of("PIPOOL_START_TIMEOUT_SECONDS", value),
                "serve",
                "--config",
                "/no/such/agent.yaml"))
        .isEqualTo(2);
    assertThat(err())
        .contains("PIPOOL_START_TIMEOUT_SECONDS is \"" + value + "\"", "1 to 3600")
        .doesNotContain("does not exist");
  }

  @Test
  void applyThenRestore() throws Exception {
    assertThat(run(Map.of(), "apply-sysctls", "--config", config.toString())).isZero();
    assertThat(Files.readString(dir.resolve("proc/net/core/somaxconn")).trim()).isEqualTo("4096");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("net.core.somaxconn = 4096 (was 128)");

    assertThat(run(Map.of(), "restore-sysctls", "--config=" + config)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("net.core.somaxconn = 128 (was 4096)");
    assertThat(Files.readString(dir.resolve("proc/net/core/somaxconn")).trim()).isEqualTo("128");
    assertThat(dir.resolve("state.json")).doesNotExist();
  }

  /**
   * On a real node a widened ephemeral range let outgoing connections take the agent's own port
   * (about 20,000 connects in a network namespace): the next agent could not bind. The apply step
   * reserves the ports the range covers, keeping the node's own reservations, and restore puts the
   * node's list back.
   */
  @Test
  void applyReservesTheAgentsPortsThatTheWidenedRangeCovers() throws Exception {
    TestAgents.write(dir.resolve("proc/net/ipv4/ip_local_port_range"), "32768\t60999\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/ip_local_reserved_ports"), "5000,8081\n");
    TestAgents.write(
        config,
        "server:\n  agentCheckPort: 9101\nsysctls:\n  procRoot: "
            + dir.resolve("proc")
            + "\n  stateFile: "
            + dir.resolve("state.json")
            + "\n  values:\n    net.ipv4.ip_local_port_range: \"8000 9095\"\n");
    Path reserved = dir.resolve("proc/net/ipv4/ip_local_reserved_ports");

    assertThat(run(Map.of(), "apply-sysctls", "--config", config.toString())).isZero();
    // 8080 (traffic) and 9090 (admin) lie in 8000-9095; 9101 (agent check) does not
    assertThat(Files.readString(reserved).trim()).isEqualTo("5000,8080-8081,9090");
    assertThat(Files.readString(dir.resolve("proc/net/ipv4/ip_local_port_range")).trim())
        .isEqualTo("8000 9095");

    assertThat(run(Map.of(), "restore-sysctls", "--config", config.toString())).isZero();
    assertThat(Files.readString(reserved).trim()).isEqualTo("5000,8081");
  }

  @Test
  void restoreWorksFromTheEnvironmentAlone() throws Exception {
    run(Map.of(), "apply-sysctls", "--config", config.toString());
    Map<String, String> env =
        Map.of(
            "PIPOOL_SYSCTLS_PROCROOT", dir.resolve("proc").toString(),
            "PIPOOL_SYSCTLS_STATEFILE", dir.resolve("state.json").toString());
    assertThat(run(env, "restore-sysctls")).isZero();
    assertThat(Files.readString(dir.resolve("proc/net/ipv4/tcp_max_syn_backlog")).trim())
        .isEqualTo("256");
  }

  @ParameterizedTest
  @CsvSource({"apply-sysctls", "serve"})
  void refusedSysctlsExitTwoNamingEachAndTheAllowedSet(String command) throws Exception {
    writeConfig(
        "    kernel.panic: \"1\"\n    vm.swappiness: \"10\"\n    net.core.somaxconn: \"4096\"\n");
    assertThat(run(Map.of(), command, "--config", config.toString())).isEqualTo(2);
    assertThat(err())
        .contains("sysctls.values", "kernel.panic", "vm.swappiness", "net.core.")
        .doesNotContain("somaxconn is");
    assertThat(Files.readString(dir.resolve("proc/net/core/somaxconn")).trim()).isEqualTo("128");
  }

  @Test
  void aMalformedSysctlValueStopsServeWithExitTwo() {
    writeConfig("    net.core.somaxconn: \"lots\"\n");
    assertThat(run(Map.of(), "serve", "--config", config.toString())).isEqualTo(2);
    assertThat(err()).contains("net.core.somaxconn", "lots");
  }

  @Test
  void aMissingSysctlExitsOneNamingIt() {
    writeConfig("    net.core.rmem_max: \"4194304\"\n");
    assertThat(run(Map.of(), "apply-sysctls", "--config", config.toString())).isEqualTo(1);
    assertThat(err()).contains("net.core.rmem_max");
  }

  @Test
  void serveThatCannotStartExitsOne() {
    TestAgents.write(
        config,
        "server:\n  mode: Static\n  staticDir: "
            + dir.resolve("no-such-folder")
            + "\n  port: 0\n  adminPort: 0\n  host: 127.0.0.1\n  adminHost: 127.0.0.1\n");
    assertThat(run(Map.of(), "serve", "--config", config.toString())).isEqualTo(1);
    assertThat(err()).contains("staticDir");
  }
}
