package io.pipool.simulator.demo;

import io.pipool.simulator.Simulator;
import io.pipool.simulator.node.SimNode;
import java.util.Locale;

/** The figures the weights comparison is about, sampled once a demo second. */
final class ThermalTally {

  private double hotPeak = Double.NaN;
  private int secondsAboveDrain;

  /** One demo second: the hot node's temperature, and whether any node is above drainCelsius. */
  void second(Simulator sim, String hot, double drainCelsius) {
    boolean above = false;
    for (SimNode n : sim.nodes().values()) {
      double c = sim.thermal().model(n.name()).celsius();
      above |= c >= drainCelsius;
      if (n.name().equals(hot) && (Double.isNaN(hotPeak) || c > hotPeak)) {
        hotPeak = c;
      }
    }
    if (above) {
      secondsAboveDrain++;
    }
  }

  /** One line a benchmark script can pick up. */
  String render(String hot, double drainCelsius, DemoOptions.Front front, int drains, long shed) {
    return String.format(
        Locale.ROOT,
        "weights comparison (front %s): hot node %s peak %.1f °C; %d s with a node at or above"
            + " drainCelsius %.0f °C; %d drains; %d requests shed%n",
        front.name().toLowerCase(Locale.ROOT).replace('_', '-'),
        hot == null ? "-" : hot,
        hotPeak,
        secondsAboveDrain,
        drainCelsius,
        drains,
        shed);
  }
}
