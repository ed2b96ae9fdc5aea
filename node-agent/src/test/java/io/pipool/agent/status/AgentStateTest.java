package io.pipool.agent.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.server.ConnectionGate;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.AgentStatus.ServingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What a reader of the agent's state sees while it changes: every {@code /v1/status} document and
 * every scrape shows a mode with its own reason and the connection cap that mode sets, never one
 * field of a change without the others.
 */
class AgentStateTest {

  private static final int CAP = 100;
  private static final int SHED_CAP = 25;
  private static final String HOT = "SoC too hot";
  private static final String COOLED = "cooled below 70 °C";

  /** Bounds the writer: this many changes, or this long, whichever comes first. */
  private static final int CHANGES = 400_000;

  private static final Duration AT_MOST = Duration.ofSeconds(20);

  private static AgentState state() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    return new AgentState(clock, new ConnectionGate(CAP, 0.25), true, label(true));
  }

  private static String label(boolean serving) {
    return "label pipool.io/serving=" + serving;
  }

  @Test
  void everyStatusDocumentShowsItsModeWithThatModesReasonAndCap() throws Exception {
    AgentState state = state();
    List<String> torn =
        whileChanging(
            state,
            s -> {
              AgentStatus doc = StatusDocument.build("pi-1", "agent-pi-1", "test", s);
              return inconsistency(
                  doc.servingMode(), doc.servingReason(), doc.connections().limit());
            });
    assertThat(torn).as("status documents showing part of a change").isEmpty();
  }

  @Test
  void everyScrapeShowsItsModeWithThatModesCap() throws Exception {
    AgentState state = state();
    AgentMetrics metrics = new AgentMetrics(state, false);
    List<String> torn =
        whileChanging(
            state,
            s -> {
              String text = metrics.scrape();
              ServingMode mode = null;
              for (ServingMode m : ServingMode.values()) {
                if (text.contains("pipool_agent_serving_mode{mode=\"" + m + "\",} 1.0")) {
                  mode = m;
                }
              }
              long limit = Math.round(sample(text, "pipool_agent_connection_limit"));
              boolean ready = sample(text, "pipool_agent_ready") == 1.0;
              String wrong = inconsistency(mode, null, limit);
              if (wrong == null && ready != (mode == ServingMode.Serving)) {
                wrong = mode + " with pipool_agent_ready " + ready;
              }
              return wrong;
            });
    assertThat(torn).as("scrapes showing part of a change").isEmpty();
  }

  /**
   * Flips shedding and the operator's label from one thread while another reads; returns what the
   * reader saw that no single state of the agent explains (the first few).
   */
  private static List<String> whileChanging(AgentState state, Function<AgentState, String> read)
      throws InterruptedException {
    List<String> torn = new CopyOnWriteArrayList<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong reads = new AtomicLong();
    Thread reader =
        new Thread(
            () -> {
              while (!done.get() && torn.size() < 5) {
                String wrong = read.apply(state);
                reads.incrementAndGet();
                if (wrong != null) {
                  torn.add(wrong);
                }
              }
            },
            "status-reader");
    reader.start();
    long deadline = System.nanoTime() + AT_MOST.toNanos();
    int changes = 0;
    while (changes < CHANGES && torn.isEmpty() && System.nanoTime() < deadline) {
      boolean hot = changes % 2 == 0;
      state.shedding(hot, hot ? HOT : COOLED);
      boolean serving = changes % 3 != 0;
      state.labelServing(serving, label(serving));
      changes++;
    }
    done.set(true);
    reader.join(AT_MOST.toMillis());
    assertThat(reader.isAlive()).as("reader stopped").isFalse();
    assertThat(reads.get()).as("reads made while the state changed").isPositive();
    return torn;
  }

  /** Null when the mode, its reason (null: not shown) and the cap belong to one state. */
  private static String inconsistency(ServingMode mode, String reason, long limit) {
    String expectedReason;
    long expectedLimit;
    if (mode == ServingMode.Shedding) {
      expectedReason = HOT;
      expectedLimit = SHED_CAP;
    } else if (mode == ServingMode.Serving || mode == ServingMode.Standby) {
      expectedReason = label(mode == ServingMode.Serving);
      expectedLimit = CAP;
    } else {
      return "mode " + mode;
    }
    if ((reason == null || reason.equals(expectedReason)) && limit == expectedLimit) {
      return null;
    }
    return mode + " (" + reason + ") with cap " + limit;
  }

  private static double sample(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " missing from the scrape"));
  }
}
