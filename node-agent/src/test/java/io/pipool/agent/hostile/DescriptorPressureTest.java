package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.ChildAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawH2;
import io.pipool.agent.support.RawHttp;
import io.pipool.api.agent.AgentStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as {@code serve} runs it, in a child JVM started under a small open-file limit ({@code
 * prlimit}), against more sockets than it has descriptors: the admin port and the readiness probe
 * keep answering, no accept fails, and traffic is served again once the sockets have met their
 * deadline.
 */
@EnabledOnOs(OS.LINUX)
class DescriptorPressureTest {

  private static final int OPEN_FILES = 400;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private ChildAgent agent;
  private final List<RawHttp> attack = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    Hostile.closeAll(attack);
    if (agent != null) {
      agent.close();
    }
  }

  /** Starts {@code serve} under the small open-file limit; returns its traffic and admin ports. */
  private int[] launch(String configYaml, Map<String, String> extraEnv) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("PIPOOL_SERVER_HEADERTIMEOUTSECONDS", "2"));
    env.putAll(extraEnv);
    agent = ChildAgent.start(dir, configYaml, OPEN_FILES, env);
    return new int[] {agent.trafficPort(), agent.adminPort()};
  }

  private Path log() {
    return agent.log();
  }

  @Test
  void silentAndDrippingSocketsBeyondTheLimitLeaveTheAdminPortAndTrafficAnswering()
      throws Exception {
    int[] ports = launch("server:\n  mode: Echo\n", Map.of());
    int traffic = ports[0];
    int admin = ports[1];
    Path log = log();
    AgentStatus before = status(admin);
    long cap = before.connections().limit();
    assertThat(cap).isBetween(1L, OPEN_FILES - 64L - NodeAgent.RESERVED_FOR_GUARDS);

    // More sockets than the process has descriptors: silent ones, and ones dripping a head.
    for (int i = 0; i < OPEN_FILES + 100; i++) {
      RawHttp s = new RawHttp(traffic);
      if (i % 4 == 0) {
        s.send("GET / HTTP/1.1\r\nHost: x\r\n");
      }
      attack.add(s);
    }
    await("the cap reached")
        .atMost(Await.SETTLE)
        .until(() -> status(admin).connections().active() >= cap);
    try (RawHttp probe = new RawHttp(admin, Hostile.FRESH)) {
      assertThat(probe.get("/readyz/pod").read().status()).isEqualTo(200);
    }
    AgentStatus during = status(admin);
    assertThat(during.connections().active()).isLessThanOrEqualTo(cap);
    assertThat(during.connections().rejected()).isGreaterThan(0);

    await("the attack's sockets closed at their deadline")
        .atMost(Await.SETTLE)
        .until(() -> status(admin).connections().active() == 0);
    Hostile.stillServes(traffic, "/", 200);
    assertThat(Files.readString(log))
        .doesNotContain("Too many open files")
        // one plain line per event: time, level, logger, message
        .containsPattern(
            "(?m)^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+\\S* INFO Main - serving Echo on 127.0.0.1:");
  }

  /**
   * Static mode over h2 with every stream stalled by a zero flow-control window: each would hold an
   * open file. Four such connections of 100 streams used to exhaust the 400 descriptors, and accept
   * failed with EMFILE for everyone. Open files now count against the descriptor budget, at most a
   * few per connection: a new client is served, the probes answer.
   */
  @Test
  void stalledStaticStreamsOverH2DoNotExhaustDescriptors() throws Exception {
    Path www = Files.createDirectories(dir.resolve("www"));
    Files.write(www.resolve("big.bin"), new byte[1 << 20]);
    Files.writeString(www.resolve("small.txt"), "small\n");
    int[] ports =
        launch(
            "server:\n  mode: Static\n  staticDir: " + www + "\n",
            Map.of("PIPOOL_SERVER_IDLETIMEOUTSECONDS", "30"));
    int traffic = ports[0];
    int admin = ports[1];
    List<RawH2> stalled = new ArrayList<>();
    try {
      for (int c = 0; c < 4; c++) {
        RawH2 h2 = new RawH2(traffic, Duration.ofSeconds(5));
        stalled.add(h2);
        h2.stalledGets("/big.bin", 100);
      }
      Thread.sleep(2_000); // the agent takes the requests in and opens what it opens
      assertThat(Hostile.fresh(traffic, "/small.txt").status()).isEqualTo(200);
      assertThat(answers(admin, "/healthz")).as("/healthz").isTrue();
      try (RawHttp probe = new RawHttp(admin, Hostile.FRESH)) {
        assertThat(probe.get("/readyz/pod").read().status()).isEqualTo(200);
      }
    } finally {
      for (RawH2 h2 : stalled) {
        h2.close();
      }
    }
    assertThat(Files.readString(log())).doesNotContain("Too many open files");
  }

  private static boolean answers(int port, String path) {
    try (RawHttp http = new RawHttp(port, Duration.ofSeconds(1))) {
      return http.get(path).read().status() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  private static AgentStatus status(int admin) {
    try (RawHttp http = new RawHttp(admin, Hostile.FRESH)) {
      return JSON.readValue(http.get("/v1/status").read().body(), AgentStatus.class);
    } catch (IOException e) {
      throw new AssertionError("/v1/status did not answer within 1 s", e);
    }
  }
}
