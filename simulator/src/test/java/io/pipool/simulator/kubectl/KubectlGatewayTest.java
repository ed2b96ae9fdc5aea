package io.pipool.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl against the embedded API server behind its kubectl front. */
class KubectlGatewayTest {

  @TempDir static Path home;

  private static EmbeddedApiServer api;
  private static Vertx vertx;
  private static KubectlGateway gateway;
  private static KubernetesClient client;
  private static Path kubeconfig;

  @BeforeAll
  static void start() {
    api = EmbeddedApiServer.start();
    vertx = Vertx.vertx();
    gateway = KubectlGateway.start(vertx, api, Clock.systemUTC());
    kubeconfig = gateway.writeKubeconfig(home.resolve("kubeconfig"));
    client = api.newClient("tester");
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    gateway.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    api.close();
  }

  private static String kubectlOnPath() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path k = Path.of(dir, "kubectl");
      if (Files.isExecutable(k)) {
        return k.toString();
      }
    }
    fail(
        "kubectl is not on PATH; these tests run the real kubectl against the simulator. "
            + "Install Debian's kubectl package (.ci/run does).");
    return null;
  }

  private static ProcessBuilder kubectl(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(kubectlOnPath());
    cmd.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of("--cache-dir", home.resolve("cache").toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    return pb;
  }

  private static String run(String... args) throws Exception {
    Process p = kubectl(args).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    assertThat(p.exitValue()).as("kubectl exit code; output:\n" + out).isZero();
    return out;
  }

  private static PiServerPool createPool(String namespace, String name) {
    PiServerPool pool = new PiServerPool();
    pool.getMetadata().setName(name);
    pool.getMetadata().setNamespace(namespace);
    return client.resource(pool).create();
  }

  private static void patchStatus(String namespace, String name, int connections) {
    client
        .genericKubernetesResources("pipool.io/v1alpha1", "PiServerPool")
        .inNamespace(namespace)
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            """
            {"status":{"desiredReplicas":3,"replicas":2,
              "totals":{"nodes":6,"connections":%d,"maxTemperatureCelsius":71.5},
              "targets":"%s",
              "conditions":[{"type":"Ready","status":"True","reason":"Serving"}]}}
            """
                .formatted(connections, targets(connections)));
  }

  /** The pool's TARGETS text as the operator writes it for {@code connections} per node. */
  private static String targets(int connections) {
    return String.format(Locale.US, "connections %,d/800", connections);
  }

  private static List<String> cells(String line) {
    return List.of(line.trim().split("\\s{2,}"));
  }

  @Test
  void getPispPrintsThePrinterColumnsFilledFromStatus() throws Exception {
    createPool("get", "web");
    patchStatus("get", "web", 2400);
    String[] lines = run("get", "pisp", "-n", "get").strip().split("\n");
    assertThat(cells(lines[0]))
        .containsExactly(
            "NAME", "DESIRED", "SERVING", "NODES", "TARGETS", "MAX °C", "READY", "AGE");
    assertThat(cells(lines[1]).subList(0, 7))
        .containsExactly("web", "3", "2", "6", "connections 2,400/800", "71.5", "True");
    assertThat(cells(lines[1]).get(7)).matches("\\d+s");
  }

  @Test
  void describePispShowsThePoolAndItsEvents() throws Exception {
    PiServerPool pool = createPool("describe", "web");
    patchStatus("describe", "web", 800);
    client
        .events()
        .v1()
        .events()
        .inNamespace("describe")
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withGenerateName("web.")
                .withNamespace("describe")
                .endMetadata()
                .withRegarding(
                    new ObjectReferenceBuilder()
                        .withApiVersion("pipool.io/v1alpha1")
                        .withKind("PiServerPool")
                        .withName("web")
                        .withNamespace("describe")
                        .withUid(pool.getMetadata().getUid())
                        .build())
                .withType("Normal")
                .withReason("ScaledUp")
                .withAction("ScaledUp")
                .withNote("scaled 1 -> 2: 2400 connections, target 800 per replica")
                .withReportingController("pipool.io/pi-pool-operator")
                .withReportingInstance("test")
                .withEventTime(new MicroTime("2026-01-01T12:00:00.000000Z"))
                .build())
        .create();
    String out = run("describe", "pisp", "web", "-n", "describe");
    assertThat(out).contains("Kind:         PiServerPool").containsPattern("Connections:\\s+800");
    String events = out.substring(out.indexOf("Events:"));
    assertThat(events)
        .contains("ScaledUp")
        .contains("pipool.io/pi-pool-operator")
        .contains("scaled 1 -> 2: 2400 connections, target 800 per replica");
  }

  @Test
  void getPispWatchPrintsARowForEachStatusChange() throws Exception {
    createPool("watch", "web");
    patchStatus("watch", "web", 100);
    Process p = kubectl("get", "pisp", "-n", "watch", "-w").start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
              } catch (IOException e) {
                lines.add("read failed: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    try {
      List<String> seen = new ArrayList<>();
      awaitLine(lines, seen, "100");
      patchStatus("watch", "web", 1234);
      awaitLine(lines, seen, "1234");
      assertThat(cells(seen.get(0))).startsWith("NAME", "DESIRED");
      assertThat(cells(seen.get(seen.size() - 1)).subList(0, 5))
          .containsExactly("web", "3", "2", "6", targets(1234));
    } finally {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Reads lines until one shows {@code connections} per node in the TARGETS column (bounded). */
  private static void awaitLine(
      BlockingQueue<String> lines, List<String> seen, String connections) {
    await("kubectl get pisp -w printing a row with " + connections + " connections")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              lines.drainTo(seen);
              assertThat(seen)
                  .as("rows printed")
                  .anySatisfy(
                      l ->
                          assertThat(cells(l))
                              .element(4)
                              .isEqualTo(targets(Integer.parseInt(connections))));
            });
  }
}
