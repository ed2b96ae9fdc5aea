package io.pipool.operator.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.testing.SteppingClock;
import io.pipool.operator.testing.FakeAgents;
import io.pipool.operator.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AgentPollerTest {

  @Test
  void everyKindOfFailureBecomesAReasonAndTheGoodAnswersStillArrive() throws Exception {
    SteppingClock clock = new SteppingClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (FakeAgents agents =
            FakeAgents.start(100, "good", "error", "garbage", "slow", "truncated");
        // a deadline a first request can meet on a loaded 2-core machine (400 ms could not, nor
        // 3 s at load average 31); the slow agent answers long after it
        AgentPoller poller = new AgentPoller(Duration.ofSeconds(10), clock)) {
      agents.answer("good", Fixtures.status("good", 42, 61.2, false));
      agents.script("error", new FakeAgents.Error(500));
      agents.script("garbage", new FakeAgents.Garbage("<html>hello</html>"));
      agents.script("slow", new FakeAgents.Slow(60_000, Fixtures.status("slow", 1, 50, false)));
      agents.script("truncated", new FakeAgents.Garbage("{\"node\":\"x\""));
      List<PollTarget> targets =
          List.of("good", "error", "garbage", "slow", "truncated").stream()
              .map(n -> new PollTarget(n, "pod-" + n, agents.ip(n), agents.port()))
              .collect(Collectors.toList());
      targets.add(new PollTarget("refused", "pod-refused", "127.0.0.1", agents.port()));

      Map<String, PollResult> results =
          poller.pollAll(targets).get().stream()
              .collect(Collectors.toMap(r -> r.target().node(), Function.identity()));

      assertThat(results).hasSize(6);
      assertThat(results.get("good").ok()).as(results.get("good").error()).isTrue();
      assertThat(results.get("good").status().connections().active()).isEqualTo(42);
      assertThat(results.get("good").at()).isEqualTo(clock.instant());
      assertThat(results.get("error").error()).isEqualTo("HTTP 500 from /v1/status");
      assertThat(results.get("garbage").error()).startsWith("invalid status document");
      assertThat(results.get("truncated").error()).startsWith("invalid status document");
      assertThat(results.get("slow").error()).isEqualTo("no answer within 10000 ms");
      assertThat(results.get("refused").error()).isEqualTo("connection refused");
    }
  }

  @Test
  void ipv6AddressesAreBracketed() {
    assertThat(new PollTarget("n", "p", "fd00::1", 9090).url())
        .isEqualTo("http://[fd00::1]:9090/v1/status");
    assertThat(new PollTarget("n", "p", "10.0.0.1", 9090).url())
        .isEqualTo("http://10.0.0.1:9090/v1/status");
  }
}
