package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pipool.api.agent.AgentConfig;
import io.pipool.operator.model.AgentConfigModel;
import io.pipool.operator.model.DaemonSetModel;
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
 * The image recipes (src/main/image/image.json, read by bin/images) build what the Maven build
 * produces and start it with real commands. The images themselves run under podman in AgentImageIT,
 * OperatorImageIT and Arm64ImagesIT; here the jars are started with the entrypoint's own JVM flags,
 * which needs nothing but a JDK.
 */
class ImageRecipesTest {

  private static final String AGENT_RECIPE = "node-agent/src/main/image/image.json";
  private static final String OPERATOR_RECIPE = "operator/src/main/image/image.json";
  private static final String AGENT_JAR = "node-agent/target/pi-pool-agent.jar";
  private static final String OPERATOR_JAR = "operator/target/pi-pool-operator.jar";

  /** Where the operator mounts agent.yaml. */
  private static final String AGENT_CONFIG = AgentConfigModel.CONFIG_FILE;

  @Test
  void binImagesBuildsBothPlatformsFromTrixiesJre25WithoutARegistryHost() {
    String script = Repo.read("bin/images");
    assertThat(script)
        .contains(
            "SUITE=\"${PIPOOL_IMAGES_SUITE:-trixie}\"",
            "JDK=\"${PIPOOL_IMAGES_JDK:-25}\"",
            "JRE_PKG=\"openjdk-$JDK-jre-headless\"")
        .contains("PLATFORMS=\"${PIPOOL_IMAGES_PLATFORMS:-amd64 arm64}\"");
    // the Debian mirror comes from the machine's apt sources when the script runs
    assertThat(script).doesNotContainPattern("(?i)https?://");
    assertThat(Repo.read("pom.xml"))
        .contains("<maven.compiler.release>17</maven.compiler.release>");
    assertThat(ImageRecipe.read(AGENT_RECIPE).name()).isEqualTo("pipool/node-agent");
    assertThat(ImageRecipe.read(OPERATOR_RECIPE).name()).isEqualTo("pipool/pi-pool-operator");
  }

  @Test
  void recipesTakeTheJarsTheModulesBuild() {
    assertThat(Repo.read("node-agent/pom.xml"))
        .contains("<outputFile>${project.build.directory}/pi-pool-agent.jar</outputFile>");
    assertThat(Repo.read("operator/pom.xml")).contains("<finalName>pi-pool-operator</finalName>");
    assertThat(ImageRecipe.read(AGENT_RECIPE).jar()).isEqualTo("pi-pool-agent.jar");
    assertThat(ImageRecipe.read(OPERATOR_RECIPE).jar()).isEqualTo("pi-pool-operator.jar");
    assertThat(mainClass(AGENT_JAR)).isEqualTo("io.pipool.agent.cli.Main");
    assertThat(mainClass(OPERATOR_JAR)).isEqualTo("io.pipool.operator.PiPoolOperator");
  }

  @Test
  void imagesRunAsTheNonRootUsersTheirPodsAskFor() {
    long agentUid = DaemonSetModel.AGENT_UID;
    assertThat(ImageRecipe.read(AGENT_RECIPE).config().user())
        .as("the agent's uid matches the DaemonSet's runAsUser")
        .isEqualTo(agentUid + ":" + agentUid);
    assertThat(Repo.read("manifests/operator/deployment.yaml"))
        .contains("runAsUser: 65532", "runAsGroup: 65532");
    assertThat(ImageRecipe.read(OPERATOR_RECIPE).config().user()).isEqualTo("65532:65532");
  }

  @Test
  void agentEntrypointRunsTheRealCommands() throws Exception {
    ImageRecipe r = ImageRecipe.read(AGENT_RECIPE);
    List<String> entrypoint = r.config().entrypoint();
    assertThat(entrypoint).startsWith("java").endsWith("-jar", "/app/pi-pool-agent.jar");
    assertThat(entrypoint).contains("-XX:+UseSerialGC", "-XX:AOTCache=" + r.aot().cache());
    assertThat(r.config().cmd()).containsExactly("serve", "--config", AGENT_CONFIG);

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
  void agentAotTrainingServesEveryModeFromValidAgentConfigs() throws IOException {
    ImageRecipe.Aot aot = ImageRecipe.read(AGENT_RECIPE).aot();
    ObjectMapper yaml =
        new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    List<String> configs = new ArrayList<>();
    List<String> modes = new ArrayList<>();
    for (int i = 1; i < aot.trainingArgs().size(); i += 2) {
      assertThat(aot.trainingArgs().get(i)).isEqualTo("--config");
      String file = aot.trainingArgs().get(i + 1);
      assertThat(file).startsWith("/app/" + aot.trainingFiles() + "/");
      AgentConfig config =
          yaml.readValue(
              Repo.read("node-agent/src/main/image/" + file.substring("/app/".length())),
              AgentConfig.class);
      // loopback only and nothing to tune: the training run touches neither network nor kernel
      assertThat(config.server().host()).isEqualTo("127.0.0.1");
      assertThat(config.sysctls().values()).isEmpty();
      assertThat(config.problems()).as(file).isEmpty();
      configs.add(file);
      modes.add(config.server().mode().name());
    }
    assertThat(aot.trainingArgs().get(0)).isEqualTo("serve");
    // bin/aot-workload drives each mode's port
    assertThat(modes).containsExactly("Echo", "Static", "Proxy");
    assertThat(Repo.read("bin/aot-workload")).contains(":18080", ":18081", ":18082");
    // bin/images waits for the last server's log line before it starts the workload
    assertThat(aot.readyLine()).isEqualTo("serving Proxy on 127.0.0.1");
  }

  @Test
  void operatorAotTrainingReadsTheKubeconfigOfTheSimulatedCluster() {
    ImageRecipe.Aot aot = ImageRecipe.read(OPERATOR_RECIPE).aot();
    // bin/aot-workload --start-cluster DIR writes DIR/kubeconfig, DIR being trainingCluster in
    // the chroot (under its /tmp, the one writable folder)
    assertThat(aot.trainingCluster()).startsWith("/tmp/");
    assertThat(aot.trainingEnv()).contains("KUBECONFIG=" + aot.trainingCluster() + "/kubeconfig");
    assertThat(Repo.read("bin/aot-workload")).contains("--operator-kubeconfig \"$dir/kubeconfig\"");
    // the embedded API server has no server-side apply: the operator must not need it there
    assertThat(aot.trainingEnv()).contains("PIPOOL_SERVER_SIDE_APPLY=false");
    // the simulated pool serves on 8080 on the loopback the operator shares: its /metrics moves
    // (the agents' servers failed to bind, in a crash loop, while the operator held 8080)
    assertThat(aot.trainingEnv()).contains("PIPOOL_HTTP_PORT=18090");
    assertThat(Repo.read("manifests/examples/web-pool.yaml")).doesNotContain("18090");
    assertThat(Repo.read("bin/aot-workload")).contains("127.0.0.1:18090/");
    assertThat(aot.trainingArgs()).isEmpty();
  }

  @Test
  void operatorEntrypointStartsTheOperatorWithValidFlags() throws Exception {
    ImageRecipe r = ImageRecipe.read(OPERATOR_RECIPE);
    List<String> entrypoint = r.config().entrypoint();
    assertThat(entrypoint).startsWith("java").endsWith("-jar", "/app/pi-pool-operator.jar");
    assertThat(entrypoint)
        .contains("-XX:+UseSerialGC", "-XX:AOTCache=" + r.aot().cache())
        .endsWith("-jar", "/app/pi-pool-operator.jar");
    // the operator takes no arguments (configuration is PIPOOL_* variables): no Cmd
    assertThat(r.config().cmd()).isNull();
    assertThat(r.config().exposedPorts()).containsOnlyKeys("8080/tcp");
    List<String> flags = new ArrayList<>(entrypoint.subList(1, entrypoint.size() - 2));
    flags.add(0, java());
    flags.add("-version");
    Run version = exec(flags);
    assertThat(version.exit()).as("JVM accepts " + flags + ": " + version.output()).isZero();
  }

  private record Run(int exit, String output) {}

  /** Runs the entrypoint's java and flags with the locally built jar and the given arguments. */
  private static Run run(List<String> entrypoint, String jar, String... args) throws Exception {
    List<String> command = new ArrayList<>(entrypoint.subList(0, entrypoint.size() - 1));
    command.set(0, java());
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

  /**
   * The images' JVM is OpenJDK 25 (their flags need it); the build's own JDK is 17. A JDK 25 from
   * PIPOOL_JAVA25_HOME, else the first /usr/lib/jvm/*-25-* folder.
   */
  static String java() {
    String home = System.getenv("PIPOOL_JAVA25_HOME");
    if (home == null) {
      try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
        home =
            dirs.filter(d -> d.getFileName().toString().matches(".*-25(-.*)?"))
                .filter(d -> Files.isExecutable(d.resolve("bin/java")))
                .sorted()
                .map(Path::toString)
                .findFirst()
                .orElse(null);
      } catch (IOException e) {
        home = null;
      }
    }
    if (home == null) {
      throw new AssertionError(
          "no JDK 25 for the images' JVM flags: set PIPOOL_JAVA25_HOME or install one in"
              + " /usr/lib/jvm (e.g. openjdk-25-jdk-headless)");
    }
    return home + "/bin/java";
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
