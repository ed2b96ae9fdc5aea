package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.operator.model.AgentConfigModel;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linux/arm64 images (what a Raspberry Pi pulls) under podman, emulated by qemu-user-static on
 * an amd64 machine: the JVM is really arm64, the agent's commands work, and it serves a request.
 */
class Arm64ImagesIT {

  private static final String AGENT_RECIPE = "node-agent/src/main/image/image.json";

  private Podman podman;
  private final List<String> containers = new ArrayList<>();

  @BeforeEach
  void require() {
    podman = Podman.require();
  }

  @AfterEach
  void remove() {
    containers.forEach(podman::remove);
  }

  @Test
  void bothImagesRunAnArm64Jvm() {
    for (String name : List.of("node-agent", "pi-pool-operator")) {
      String image = podman.load(name, "arm64");
      Podman.Run version =
          oneShot("--entrypoint", "java", image, "-XshowSettings:properties", "-version");
      assertThat(version.exit()).as(version.output()).isZero();
      assertThat(version.output()).contains("os.arch = aarch64", "java.specification.version = 25");
    }
  }

  @Test
  void carriesTheSamePackageVersionsAsTheAmd64Image() {
    // bin/images unpacks the arm64 packages without running them and installs the amd64 ones with
    // apt: a Pi must still get the same JRE build and libraries as an amd64 node
    String arm64 = podman.load("node-agent", "arm64");
    String amd64 = podman.load("node-agent", "amd64");
    String packages = label(arm64, "io.pipool.image.packages");
    assertThat(packages).contains("openjdk-25-jre-headless ", "libc6 ", "ca-certificates-java ");
    assertThat(packages)
        .as("the arm64 image's Debian packages (label io.pipool.image.packages), the amd64 image's")
        .isEqualTo(label(amd64, "io.pipool.image.packages"));
  }

  private String label(String image, String name) {
    Podman.Run label =
        podman.podman(
            30, "image", "inspect", "--format", "{{index .Config.Labels \"" + name + "\"}}", image);
    assertThat(label.exit()).as(label.output()).isZero();
    return label.output().strip();
  }

  @Test
  void agentAnswersHelpAndItsAotCacheLoads() {
    String image = podman.load("node-agent", "arm64");
    Podman.Run help = oneShot(image, "--help");
    assertThat(help.exit()).as(help.output()).isZero();
    assertThat(help.output())
        .contains("serve --config", "apply-sysctls --config", "restore-sysctls")
        .doesNotContain("[error][aot]");
    // PIPOOL_IMAGES_EMULATED=cached (CI) builds the arm64 images without an AOT cache when none is
    // trained for this jar: bin/images then takes the flag out and says so in a label
    String aotLabel = label(image, "io.pipool.image.aot");
    if (aotLabel.startsWith("none")) {
      Podman.Run entrypoint =
          podman.podman(30, "image", "inspect", "--format", "{{json .Config.Entrypoint}}", image);
      assertThat(entrypoint.output()).doesNotContain("-XX:AOTCache");
      System.out.println("[pi-pool] *** the arm64 agent image has NO AOT cache: " + aotLabel);
      return;
    }
    assertThat(aotLabel).startsWith("trained");
    // -XX:AOTMode=on fails when the cache trained at build time does not fit this JVM
    List<String> flags = new ArrayList<>(ImageRecipe.read(AGENT_RECIPE).config().entrypoint());
    flags.remove(0);
    flags.add(flags.size() - 2, "-XX:AOTMode=on");
    List<String> args = new ArrayList<>(List.of("--entrypoint", "java", image));
    args.addAll(flags);
    args.add("--help");
    Podman.Run aot = oneShot(args.toArray(String[]::new));
    assertThat(aot.exit()).as(aot.output()).isZero();
  }

  @Test
  void agentServesARequest(@TempDir Path tmp) throws Exception {
    String image = podman.load("node-agent", "arm64");
    // what the operator writes for a pool with the defaults: Echo on 8080
    // a folder of its own: @TempDir is readable by root only, the agent runs as uid 10001
    Path config = Files.createDirectories(tmp.resolve("config"));
    Files.writeString(config.resolve("agent.yaml"), AgentConfigModel.yaml(new PiServerPoolSpec()));
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String name = "pipool-it-arm64-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> args = new ArrayList<>(List.of("run", "--detach", "--name", name));
    args.addAll(Podman.RUN_LIMITS);
    args.addAll(List.of("--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL"));
    args.addAll(
        List.of("--env", "PIPOOL_SYSCTLS_PROCROOT=/proc/sys", "--env", "PIPOOL_NODE_NAME=pi"));
    // serve waits 60 s for its server unless told: under qemu at load average 30 that was too
    // little ("cannot start: null" before the variable existed)
    args.addAll(List.of("--env", "PIPOOL_START_TIMEOUT_SECONDS=300"));
    args.addAll(List.of("--network", "slirp4netns", "--publish", "127.0.0.1:" + port + ":8080"));
    args.addAll(List.of("--volume", config + ":/etc/pi-pool:ro"));
    args.add(image); // the image's own command: serve --config /etc/pi-pool/agent.yaml
    Podman.Run run = podman.podman(120, args);
    assertThat(run.exit()).as(run.output()).isZero();
    containers.add(name);
    // 12-35 s of start-up under emulation with the AOT cache at load average 14-24; without it
    // (PIPOOL_IMAGES_EMULATED=cached) at load 27 it printed nothing in 150 s, and the emulated
    // training JVM needed 3 minutes to its first log line
    HttpResponse<String> echo =
        Podman.awaitHttp("http://127.0.0.1:" + port + "/", Duration.ofSeconds(360), podman, name);
    assertThat(echo.statusCode()).as(echo.body()).isEqualTo(200);
  }

  private Podman.Run oneShot(String... args) {
    List<String> all = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
    all.addAll(Podman.RUN_LIMITS);
    all.addAll(List.of(args));
    return podman.podman(180, all);
  }
}
