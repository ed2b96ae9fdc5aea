package io.pipool.simulator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.simulator.haproxy.Haproxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo with a real HAProxy in front (skipped, visibly, without haproxy on PATH): the load goes
 * through HAProxy only, HAProxy's weight for the hot node falls before the node is drained, and the
 * pool scales up from one serving node on requests per second (HAProxy pools its connections, so
 * the agents count too few connections to scale on).
 */
class HaproxyDemoE2ETest {

  @Test
  void haproxysWeightForTheHotNodeFallsAndTheDemoCleansUp() throws Exception {
    if (Haproxy.binary().isEmpty()) {
      System.out.println("SKIPPED HaproxyDemoE2ETest: haproxy is not on PATH");
      Assumptions.abort("haproxy is not on PATH");
    }
    DemoOptions options =
        DemoOptions.parse(
            List.of(
                "--nodes",
                "4",
                "--duration",
                "40",
                "--peak",
                "2400",
                "--target",
                "800",
                "--plain",
                "--front",
                "haproxy",
                "--pool",
                "../manifests/examples/web-pool.yaml"),
            Map.of());
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      code = new DemoRun(options, out).run();
    }
    String text = buf.toString(StandardCharsets.UTF_8);
    System.out.println(text.substring(Math.max(0, text.indexOf("== pi-pool demo summary"))));

    // Not the exit code: on a loaded machine an operator poll can time out and the demo then
    // reports a node as unreachable, which is the embedded e2e tests' concern, not HAProxy's.
    assertThat(code).as("demo exit code (0, or 1 for a problem it lists)").isIn(0, 1);
    assertThat(text).contains("pool deleted: original sysctls restored on 4 of 4 simulated nodes");
    assertThat(text)
        .contains("balancer: HAProxy on 127.0.0.1:")
        .contains("weights from the agents");
    assertThat(text).contains("weight held per node, from its stats socket");
    Matcher m =
        Pattern.compile("hot node (pi-\\d+): HAProxy's weight fell from (\\d+)% to (\\d+)%")
            .matcher(text);
    assertThat(m.find()).as("the summary reports the hot node's weight").isTrue();
    assertThat(Integer.parseInt(m.group(3)))
        .as("the weight HAProxy held for the hot node while it was in rotation")
        .isLessThan(Integer.parseInt(m.group(2)));
    assertThat(text)
        .as("the pool starts with one serving node and scales up on requests per second")
        .contains("requests/s 0 per node, target 800")
        .contains("scaled up from 1 to ");
    Matcher up = Pattern.compile("scaled up from \\d+ to (\\d+) serving nodes").matcher(text);
    int most = 1;
    while (up.find()) {
      most = Math.max(most, Integer.parseInt(up.group(1)));
    }
    assertThat(most)
        .as("serving nodes at 2,400 requests/s and a target of 800")
        .isGreaterThanOrEqualTo(3);
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(p -> p.info().command().orElse("").endsWith("haproxy"))
                .filter(ProcessHandle::isAlive)
                .count())
        .as("haproxy processes left running")
        .isZero();
  }
}
