package io.pipool.simulator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.pipool.operator.PiPoolOperator;
import io.pipool.operator.config.OperatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with {@code --operator external}: the simulated cluster alone, for an operator the user
 * runs (bin/images trains the operator image's AOT cache with it). Here the "user's" operator is
 * started by the test from nothing but the kubeconfig the demo writes.
 */
class ExternalOperatorDemoTest {

  private static List<String> args(Path kubeconfig, String wait) {
    return new ArrayList<>(
        List.of(
            "--nodes",
            "2",
            "--duration",
            "20",
            "--peak",
            "800",
            "--target",
            "200",
            "--plain",
            "--front",
            "builtin",
            "--pool",
            "../manifests/examples/web-pool.yaml",
            "--operator",
            "external",
            "--operator-kubeconfig",
            kubeconfig.toString(),
            "--operator-wait",
            wait));
  }

  @Test
  void anOperatorRunFromTheWrittenKubeconfigRunsTheWholeStory(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("operator.kubeconfig");
    DemoOptions options = DemoOptions.parse(args(kubeconfig, "60"), Map.of());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    ExecutorService demo = Executors.newSingleThreadExecutor();
    PiPoolOperator operator = null;
    KubernetesClient client = null;
    int code;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      Future<Integer> run = demo.submit(() -> new DemoRun(options, out).run());
      // the demo moves the whole file into place: once it is there, it is complete
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(kubeconfig));
      Config config =
          Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
      config.setHttp2Disable(true);
      client = new KubernetesClientBuilder().withConfig(config).build();
      operator =
          PiPoolOperator.start(
              client,
              OperatorConfig.fromEnv(
                  Map.of(
                      OperatorConfig.LEADER_ELECTION, "false",
                      OperatorConfig.HTTP_PORT, "-1",
                      OperatorConfig.SERVER_SIDE_APPLY, "false",
                      OperatorConfig.RESTORE_CHECK_SECONDS, "1")),
              Clock.systemUTC());
      code = run.get(4, TimeUnit.MINUTES);
    } finally {
      if (operator != null) {
        operator.stop();
      }
      if (client != null) {
        client.close();
      }
      demo.shutdownNow();
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    System.out.println(text.substring(Math.max(0, text.indexOf("== pi-pool demo summary"))));
    assertThat(text).contains("the operator is yours to run: KUBECONFIG=" + kubeconfig);
    assertThat(dir.resolve("operator.kubeconfig.partial")).doesNotExist();
    // 1 lists a problem of the story on a loaded machine (a poll timing out); not this test's
    assertThat(code).as("demo exit code").isIn(0, 1);
    assertThat(text).contains("pool deleted: original sysctls restored on 2 of 2 simulated nodes");
    assertThat(text).containsPattern("operator events:.* Created [1-9]");
  }

  @Test
  void withoutAnOperatorTheDemoStopsByItselfAndSaysWhatItWaitedFor(@TempDir Path dir)
      throws Exception {
    DemoOptions options =
        DemoOptions.parse(args(dir.resolve("operator.kubeconfig"), "10"), Map.of());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      code = new DemoRun(options, out).run();
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(1);
    assertThat(text)
        .contains("the agents did not all become ready within 10 s (is your operator running");
  }
}
