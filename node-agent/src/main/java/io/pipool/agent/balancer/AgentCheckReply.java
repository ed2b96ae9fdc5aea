package io.pipool.agent.balancer;

import io.pipool.api.agent.AgentStatus.ServingMode;
import java.util.Locale;

/**
 * The line the agent answers HAProxy's agent check with, from what it knows about itself: a pure
 * function, so the mapping is table-tested and documented (docs/usage.md, "Weights for HAProxy").
 *
 * <p>HAProxy reads the words of one line: a percentage sets the server's weight relative to the
 * weight in its configuration; {@code up}/{@code down} set the operational state; {@code ready},
 * {@code drain} and {@code maint} set the administrative state, and {@code drain}/{@code maint}
 * stick until an agent says {@code ready}, so every serving answer says {@code ready}.
 *
 * <ul>
 *   <li>Serving: {@code up ready N%}, N from the tighter of the thermal and connection headrooms;
 *   <li>Standby (the operator has the node out of rotation): {@code up drain};
 *   <li>Shedding (the agent protects itself at the critical temperature): {@code down};
 *   <li>Draining (shutting down): {@code down drain}. Not {@code maint}: a server the agent puts in
 *       maintenance is taken out of the balancer's own health checks, and we prefer states that the
 *       next agent's answer clears.
 * </ul>
 *
 * @param line the text to send, newline-terminated
 * @param weightPercent the weight announced, 0 when the answer takes the node out of rotation
 */
public record AgentCheckReply(String line, int weightPercent) {

  /** Below {@code drainCelsius - THERMAL_SPAN} the temperature leaves the weight alone. */
  public static final double THERMAL_SPAN_CELSIUS = 15;

  /** Below this share of the connection cap, connections leave the weight alone. */
  public static final double CONNECTION_KNEE = 0.5;

  /** The least weight a serving node announces: near the limits, but still in rotation. */
  public static final int FLOOR_PERCENT = 10;

  /**
   * What the agent knows when asked.
   *
   * @param mode the agent's serving mode
   * @param celsius the latest SoC temperature, null when unknown
   * @param drainCelsius the pool's drainCelsius (the agent's thermal.recoverCelsius)
   * @param connections connections open now on the traffic port
   * @param maxConnections the connection cap
   */
  public record Inputs(
      ServingMode mode, Double celsius, double drainCelsius, int connections, int maxConnections) {}

  /** The answer for {@code in}. */
  public static AgentCheckReply of(Inputs in) {
    return switch (in.mode()) {
      case Serving -> {
        int w = weight(in);
        yield new AgentCheckReply("up ready " + w + "%\n", w);
      }
      case Standby -> new AgentCheckReply("up drain\n", 0);
      case Shedding -> new AgentCheckReply("down #shedding load\n", 0);
      case Draining -> new AgentCheckReply("down drain #shutting down\n", 0);
    };
  }

  /** The weight percentage of a serving node, between {@link #FLOOR_PERCENT} and 100. */
  public static int weight(Inputs in) {
    double thermal = 1;
    if (in.celsius() != null) {
      double start = in.drainCelsius() - THERMAL_SPAN_CELSIUS;
      thermal = falling((in.celsius() - start) / THERMAL_SPAN_CELSIUS);
    }
    double load = 1;
    if (in.maxConnections() > 0) {
      double used = (double) in.connections() / in.maxConnections();
      load = falling((used - CONNECTION_KNEE) / (1 - CONNECTION_KNEE));
    }
    return (int) Math.round(100 * Math.min(thermal, load));
  }

  /** 1 at x <= 0, the floor at x >= 1, a straight line between. */
  private static double falling(double x) {
    double floor = FLOOR_PERCENT / 100.0;
    double clamped = Math.max(0, Math.min(1, x));
    return 1 - (1 - floor) * clamped;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%d%%)", line.strip(), weightPercent);
  }
}
