package io.pipool.agent.reference;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.ChildAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adversarial catalogue ({@link Catalogue}) against the agent and, in the same run, against
 * Debian's nginx on loopback (static server and reverse proxy, {@link NginxServer}). For each case:
 * the agent is alive and answers a fresh request within 1 s, nothing reaches its upstream that
 * should not, it is at least as strict as nginx (where nginx refuses, closes, stops reading or
 * answers nothing after an error, so does the agent), and it does what issue 18 asks. Every run
 * writes the side-by-side table to target/security-reference.md (docs/security.md quotes one). The
 * cases share one static and one proxy agent, replaced by new ones after a case that left them
 * unable to answer a fresh request, so the next case is not charged with it. Without nginx it
 * fails: CI installs nginx-light in .ci/run.
 */
@EnabledOnOs(OS.LINUX)
class NginxReferenceTest {

  /**
   * The open-file limit of the descriptor case: four stalled h2 connections exhausted it.
   */
  private static final int CHILD_OPEN_FILES = 400;

  /** Where each run's table goes, relative to the module. */
  static final Path REPORT = Path.of("target", "security-reference.md");

  @TempDir static Path dir;

  private static Vertx vertx;
  private static NginxServer nginx;
  private static UnderTest nginxUnderTest;

  /** The agents the next case runs against (null: start new ones). */
  private static UnderTest agents;

  private static Vertx staticVertx;
  private static Vertx proxyVertx;
  private static Path www;
  private static final List<Report.Row> ROWS = new ArrayList<>();
  private static Instant started;

  @BeforeAll
  static void start() throws Exception {
    started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    www = dir.resolve("www");
    TestAgents.write(www.resolve("index.html"), "<!doctype html><title>ok</title>\n");
    Files.write(www.resolve(Catalogue.FILE_16K.substring(1)), new byte[16 << 10]);
    Files.write(www.resolve(Catalogue.FILE_BIG.substring(1)), new byte[256 << 10]);
    vertx = Vertx.vertx();
    RecordingUpstream nginxUpstream = RecordingUpstream.start(vertx);
    Path nginxDir = Files.createDirectories(dir.resolve("nginx"));
    nginx = NginxServer.start(nginxDir, www, nginxUpstream.port());
    nginxUnderTest =
        new UnderTest(
            "nginx",
            false,
            nginx.staticPort,
            nginx.staticH2Port,
            nginx.proxyPort,
            nginx.proxyH2Port,
            -1,
            nginxUpstream,
            nginx::workerPid);
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (!ROWS.isEmpty()) {
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, Report.markdown(ROWS, started));
      }
    } finally {
      stopAgents("the last case");
      if (nginx != null) {
        nginx.close();
      }
      if (vertx != null) {
        Await.result(vertx.close());
      }
    }
  }

  @TestFactory
  Stream<DynamicTest> catalogue() {
    // -Dreference.cases=id,id runs only those (while working on one); the report then has only them
    String only = System.getProperty("reference.cases", "");
    return Catalogue.all().stream()
        .filter(c -> only.isBlank() || List.of(only.split(",")).contains(c.id()))
        .map(c -> DynamicTest.dynamicTest(c.toString(), () -> run(c)));
  }

  private static void run(Case c) throws Exception {
    Outcome n = measure(nginxUnderTest, c);
    if (agents == null) {
      agents = startAgents();
    }
    Outcome a;
    if (c.underOpenFileLimit()) {
      Path home = Files.createTempDirectory(dir, "child-");
      try (ChildAgent child =
          ChildAgent.start(
              home,
              "server:\n  mode: Static\n  staticDir: " + www + "\n",
              CHILD_OPEN_FILES,
              Map.of())) {
        a =
            measure(
                new UnderTest(
                    "agent",
                    true,
                    child.trafficPort(),
                    child.trafficPort(),
                    -1,
                    -1,
                    child.adminPort(),
                    agents.upstream(),
                    child::pid),
                c);
      }
    } else {
      a = measure(agents, c);
    }
    if (!a.fresh) {
      // What this case left behind must not be charged to the next one: new agents.
      stopAgents(c.id());
    }
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(nginx.alive()).as("nginx (the reference) still runs: %s", nginx.log()).isTrue();
    soft.assertThat(a.fresh).as("a fresh request answered within 1 s, during and after").isTrue();
    if (a.reached != null) {
      soft.assertThat(a.reached).as("nothing that should not reached the upstream").isFalse();
    }
    if (!n.notApplicable) {
      if (n.refused()) {
        soft.assertThat(a.refused()).as("nginx refused (%s): the agent refuses", n.answer).isTrue();
      }
      if (Boolean.TRUE.equals(n.closed) && n.refused()) {
        soft.assertThat(a.closed).as("nginx closed after refusing: the agent closes").isTrue();
      }
      if (n.refused() && Boolean.FALSE.equals(n.after)) {
        soft.assertThat(a.after)
            .as("nginx answered nothing after it: nor does the agent")
            .isFalse();
      }
      if (Boolean.TRUE.equals(n.stoppedReading)) {
        soft.assertThat(a.stoppedReading).as("nginx stopped reading: the agent stops").isTrue();
      }
    }
    c.target().check(soft, a, n);
    synchronized (ROWS) {
      ROWS.add(new Report.Row(c, n, a, soft.errorsCollected()));
    }
    soft.assertAll();
  }

  /**
   * A static and a proxy agent, each on its own Vert.x (two servers on port 0 in one Vert.x share
   * one listener), with a new upstream.
   */
  private static UnderTest startAgents() throws Exception {
    staticVertx = Vertx.vertx();
    proxyVertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(proxyVertx);
    Path home = Files.createTempDirectory(dir, "agent-");
    NodeAgent staticAgent =
        Hostile.start(
            staticVertx,
            home.resolve("static"),
            Map.of("PIPOOL_SERVER_MODE", "Static", "PIPOOL_SERVER_STATICDIR", www.toString()));
    NodeAgent proxyAgent =
        Hostile.start(
            proxyVertx,
            home.resolve("proxy"),
            Map.of("PIPOOL_SERVER_MODE", "Proxy", "PIPOOL_SERVER_UPSTREAM", upstream.url()));
    return new UnderTest(
        "agent",
        true,
        staticAgent.trafficPort(),
        staticAgent.trafficPort(),
        proxyAgent.trafficPort(),
        proxyAgent.trafficPort(),
        staticAgent.adminPort(),
        upstream,
        () -> ProcessHandle.current().pid());
  }

  private static void stopAgents(String after) throws InterruptedException {
    agents = null;
    stopQuickly(staticVertx, after);
    stopQuickly(proxyVertx, after);
  }

  /**
   * Closes an agent's Vert.x, waiting at most 3 s: an event loop still busy with what a case left
   * queued (no backpressure) can take far longer, and the next case must not wait for it.
   */
  private static void stopQuickly(Vertx v, String after) throws InterruptedException {
    if (v == null) {
      return;
    }
    try {
      v.close().toCompletionStage().toCompletableFuture().get(3, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      System.err.println("reference: agent after " + after + " did not stop within 3 s: " + e);
    }
  }

  /** Runs the case's client against {@code server}, then what every case checks. */
  private static Outcome measure(UnderTest server, Case c) {
    server.upstream().clear();
    String before = server.memory();
    Outcome o;
    try {
      o = c.probe().run(server);
    } catch (Exception | AssertionError e) {
      o = new Outcome();
      o.answer = "client error";
      o.note("%s", e);
    }
    if (o.notApplicable) {
      return o;
    }
    if (c.marker() != null) {
      o.reached = server.upstream().saw(c.marker());
    }
    o.fresh(server.fresh(c.proxy()));
    if ("–".equals(o.memory)) {
      o.memory = before.replaceFirst(" MiB", "") + "→" + server.memory().replaceFirst("^\\S+ ", "");
    }
    return o;
  }
}
