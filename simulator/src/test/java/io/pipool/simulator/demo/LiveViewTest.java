package io.pipool.simulator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveViewTest {

  private static Frame frame() {
    return frame(null);
  }

  private static Frame frame(Integer endpoints) {
    return new Frame(
        Duration.ofSeconds(42),
        List.of(
            new Frame.Row("pi-1", "127.0.1.1", "fan", "Serving", 812, 800, 49.84, "Applied"),
            new Frame.Row("pi-2", "127.0.1.2", "hot corner", "Hot", 0, 0, 77.3, "Applied")),
        3,
        2,
        endpoints,
        "800 connections per node",
        1600,
        1598,
        1590,
        0,
        1,
        "NodeDrained: node pi-2 drained at 77.3 °C",
        "ramping up");
  }

  @Test
  void theScreenShowsEveryNodeAndThePool() {
    String s = LiveView.screen(frame(), false);
    assertThat(s)
        .contains("desired 3, serving 2")
        .contains("1598 of 1600 connections")
        .contains("NodeDrained: node pi-2")
        .contains("story: ramping up");
    assertThat(s.lines().filter(l -> l.startsWith("pi-1")).findFirst().orElseThrow())
        .contains("Serving", "812", "49.8 °C", "Applied");
    assertThat(s.lines().filter(l -> l.startsWith("pi-2")).findFirst().orElseThrow())
        .contains("Hot", "77.3 °C");
    assertThat(s).doesNotStartWith("\033");
  }

  @Test
  void onATerminalTheScreenIsClearedFirst() {
    assertThat(LiveView.screen(frame(), true)).startsWith("\033[H\033[2J");
  }

  @Test
  void theLineFormNamesTheHottestNode() {
    assertThat(LiveView.line(frame())).contains("t= 42s", "hottest=77.3°C", "open=1598/1600");
  }

  @Test
  void onARealClusterTheServiceEndpointsShowNextToTheServingCount() {
    assertThat(LiveView.screen(frame(2), false)).contains("serving 2, Service endpoints 2,");
    assertThat(LiveView.line(frame(2))).contains("serving=2 endpoints=2 ");
    assertThat(LiveView.screen(frame(), false)).doesNotContain("endpoints");
  }
}
