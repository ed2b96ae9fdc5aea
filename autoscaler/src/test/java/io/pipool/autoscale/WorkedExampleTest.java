package io.pipool.autoscale;

import static io.pipool.autoscale.Checks.condition;
import static io.pipool.autoscale.Checks.messages;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The worked example of docs/autoscaling.md, step by step, with the default policy. */
class WorkedExampleTest {

  @Test
  void theDocumentedExampleHappensAsWritten() {
    Fleet fleet =
        new Fleet()
            .add("pi-1", 50.0)
            .add("pi-2", 60.0)
            .add("pi-3", 56.0)
            .add("pi-4", 48.0)
            .add("pi-5", 58.0)
            .add("pi-6", 52.0);
    ScalePolicy defaults = Policies.defaults();
    Loop loop = new Loop(defaults, fleet, "pi-1", "pi-2", "pi-3");
    Map<Long, Decision> at = new HashMap<>();
    while (loop.clock.elapsedSeconds() <= 410) {
      long t = loop.clock.elapsedSeconds();
      fleet.load(t == 0 ? 9500 : t < 120 ? 14210 : 5000);
      if (t == 20) {
        fleet.temp("pi-2", 76.4);
      } else if (t == 60) {
        fleet.temp("pi-2", 70.0);
      } else if (t == 130) {
        fleet.temp("pi-2", 63.0);
      }
      at.put(t, loop.step());
    }

    // t=0: 9,500 over 3 nodes is 3,167 each, 5.6% over target: inside the 10% tolerance.
    assertThat(at.get(0L).serving()).hasSize(3);
    assertThat(at.get(0L).events()).isEmpty();
    // t=10: 14,210 -> ceil(4.74) = 5; the coolest standbys pi-4 (48 °C) and pi-6 (52 °C) join.
    assertThat(at.get(10L).serving())
        .containsExactlyInAnyOrder("pi-1", "pi-2", "pi-3", "pi-4", "pi-6");
    assertThat(messages(at.get(10L), Reasons.SCALED_UP))
        .containsExactly("scaled 3 -> 5: connections 4,737 per node, target 3,000 -> 5");
    // t=20: pi-2 drains, pi-5 replaces it in the same decision.
    assertThat(at.get(20L).serving())
        .containsExactlyInAnyOrder("pi-1", "pi-3", "pi-4", "pi-5", "pi-6");
    assertThat(messages(at.get(20L), Reasons.NODE_DRAINED))
        .containsExactly("node pi-2 drained at 76.4 °C; pi-5 (58.0 °C) serves in its place");
    // t=60: 70 °C is below drain but not below resume: still Hot.
    assertThat(condition(at.get(60L), Reasons.THERMAL_THROTTLING).message())
        .isEqualTo("pi-2 cooling: 70.0 °C, may serve again below 65.0 °C");
    // t=120: load falls; the recommendation is 2, the window holds 5.
    assertThat(at.get(120L).serving()).hasSize(5);
    assertThat(condition(at.get(120L), Reasons.SCALING_ACTIVE).message())
        .isEqualTo(
            "connections 1,000 per node, target 3,000 -> 2: recommend 2; holding 5 for the 300 s"
                + " scale-down window");
    // t=130: pi-2 resumes as a standby; nothing else moves.
    assertThat(messages(at.get(130L), Reasons.NODE_RESUMED))
        .containsExactly("node pi-2 resumed at 63.0 °C");
    assertThat(at.get(130L).serving()).doesNotContain("pi-2").hasSize(5);
    // t=400 still 5; t=410: the last recommendation of 5 (t=110) has left the window.
    assertThat(at.get(400L).serving()).hasSize(5);
    assertThat(at.get(410L).serving()).containsExactlyInAnyOrder("pi-4", "pi-1");
    assertThat(messages(at.get(410L), Reasons.SCALED_DOWN))
        .containsExactly("scaled 5 -> 2: connections 1,000 per node, target 3,000 -> 2");
  }
}
