package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pipool.api.agent.AgentConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The image recipes build what the Maven build produces and start it with real commands. No
 * container engine runs here, so the jars are started with the entrypoint's own JVM flags instead.
 */
class ImageRecipesTest {

  private static final String AGENT_DOCKERFILE = "node-agent/src/main/docker/Dockerfile";
  private static final String OPERATOR_DOCKERFILE = "operator/src/main/docker/Dockerfile";
  private static final String AGENT_JAR = "node-agent/target/pi-pool-agent.jar";
  private static final String OPERATOR_JAR = "operator/target/pi-pool-operator.jar";

  /** The agent's uid in the operator's DaemonSet (DaemonSetModel.AGENT_UID). */
  private static final String AGENT_UID = "10001";

  /** Where the operator mounts agent.yaml (AgentConfigModel.CONFIG_FILE). */
  private static final String AGENT_CONFIG = "/etc/pi-pool/agent.yaml";

  private static Dockerfile dockerfile(String path) {
    return Dockerfile.parse(Repo.read(path));
  }

  @Test
  void bothImagesUseTheMultiArchJre17BaseWithoutARegistryHost() {
    for (String path : List.of(AGENT_DOCKERFILE, OPERATOR_DOCKERFILE)) {
      // eclipse-temurin publishes linux/arm64 and linux/amd64 (and more) under one tag
      assertThat(dockerfile(path).all("FROM")).as(path).containsExactly("eclipse-temurin:17-jre");
    }
    assertThat(Repo.read("pom.xml"))
        .contains("<maven.compiler.release>17</maven.compiler.release>");
  }

  @Test
  void recipesCopyTheJarsTheModulesBuild() {
    assertThat(Repo.read("node-agent/pom.xml"))
        .contains("<outputFile>${project.build.directory}/pi-pool-agent.jar</outputFile>");
    assertThat(Repo.read("operator/pom.xml")).contains("<finalName>pi-pool-operator</finalName>");
    assertThat(dockerfile(AGENT_DOCKERFILE).all("COPY"))
        .contains("target/pi-pool-agent.jar /app/pi-pool-agent.jar");
    assertThat(dockerfile(OPERATOR_DOCKERFILE).all("COPY"))
        .containsExactly("target/pi-pool-operator.jar /app/pi-pool-operator.jar");
    assertThat(mainClass(AGENT_JAR)).isEqualTo("io.pipool.agent.cli.Main");
    assertThat(mainClass(OPERATOR_JAR)).isEqualTo("io.pipool.operator.PiPoolOperator");
  }

  @Test
  void imagesRunAsNonRootUsers() {
    assertThat(dockerfile(AGENT_DOCKERFILE).last("USER"))
        .as("the agent's uid matches the DaemonSet's runAsUser")
        .isEqualTo(AGENT_UID + ":" + AGENT_UID);
    assertThat(dockerfile(OPERATOR_DOCKERFILE).last("USER")).isEqualTo("65532:65532");
  }

  @Test
  void agentEntrypointRunsTheRealCommands() throws Exception {
    Dockerfile d = dockerfile(AGENT_DOCKERFILE);
    List<String> entrypoint = d.execForm("ENTRYPOINT");
    assertThat(entrypoint).startsWith("java").endsWith("-jar", "/app/pi-pool-agent.jar");
    assertThat(entrypoint)
        .contains("-XX:+UseSerialGC", "-XX:SharedArchiveFile=/app/pi-pool-agent.jsa");
    assertThat(d.execForm("CMD")).containsExactly("serve", "--config", AGENT_CONFIG);

    // --help through the entrypoint's own JVM flags lists every command the operator uses
    Run help = run(entrypoint, AGENT_JAR, "--help");
    assertThat(help.exit()).as(help.output()).isZero();
    assertThat(help.output())
        .contains("serve --config", "apply-sysctls --config", "restore-sysctls");

    // the default command is accepted: it gets as far as reading the (missing) config file
    Run serve = run(entrypoint, AGENT_JAR, "serve", "--config", "/nonexistent/agent.yaml");
    assertThat(serve.exit()).as(serve.output()).isEqualTo(2);
    assertThat(serve.output())
        .contains("/nonexistent/agent.yaml")
        .doesNotContain("unknown command");
  }

  @Test
  void agentCdsTrainingConfigIsAValidAgentConfig() throws IOException {
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    AgentConfig config =
        yaml.readValue(
            Repo.read("node-agent/src/main/docker/cds-training.yaml"), AgentConfig.class);
    // loopback only and nothing to tune: the training run touches neither network nor kernel
    assertThat(config.server().host()).isEqualTo("127.0.0.1");
    assertThat(config.sysctls().values()).isEmpty();
    assertThat(dockerfile(AGENT_DOCKERFILE).all("COPY"))
        .contains("src/main/docker/cds-training.yaml /app/cds-training.yaml");
  }

  @Test
  void operatorEntrypointStartsTheOperatorWithValidFlags() throws Exception {
    List<String> entrypoint = dockerfile(OPERATOR_DOCKERFILE).execForm("ENTRYPOINT");
    assertThat(entrypoint).startsWith("java").endsWith("-jar", "/app/pi-pool-operator.jar");
    assertThat(entrypoint).contains("-XX:+UseSerialGC");
    // the operator takes no arguments (configuration is PIPOOL_* variables): no CMD
    assertThat(dockerfile(OPERATOR_DOCKERFILE).all("CMD")).isEmpty();
    List<String> flags = new ArrayList<>(entrypoint.subList(1, entrypoint.size() - 2));
    flags.add(0, "java");
    flags.add("-version");
    Run version = exec(flags);
    assertThat(version.exit()).as("JVM accepts " + flags + ": " + version.output()).isZero();
  }

  private record Run(int exit, String output) {}

  /** Runs the entrypoint's java and flags with the locally built jar and the given arguments. */
  private static Run run(List<String> entrypoint, String jar, String... args) throws Exception {
    List<String> command = new ArrayList<>(entrypoint.subList(0, entrypoint.size() - 1));
    command.add(jarPath(jar).toString());
    command.addAll(List.of(args));
    return exec(command);
  }

  private static Run exec(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  private static Path jarPath(String jar) {
    Path path = Repo.path(jar);
    if (!Files.isRegularFile(path)) {
      throw new AssertionError(
          jar
              + " is missing: the image recipe copies it. Build it first (`mvn -B verify` at the"
              + " root builds every module before this one).");
    }
    return path;
  }

  private static String mainClass(String jar) {
    try (JarFile file = new JarFile(jarPath(jar).toFile())) {
      return file.getManifest().getMainAttributes().getValue("Main-Class");
    } catch (IOException e) {
      throw new AssertionError("cannot read " + jar + ": " + e.getMessage(), e);
    }
  }
}
