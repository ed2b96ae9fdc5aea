package io.pipool.simulator.thermal;

import io.pipool.simulator.SimulatorConfig;
import io.pipool.simulator.load.LoadMeter;
import io.pipool.simulator.node.NodeFiles;
import io.pipool.simulator.node.SimNode;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every half second: each node's request rate since the last step (from the load meter) heats its
 * thermal model, and the new temperature is written to the node's fake thermal zone, where the real
 * agent reads it.
 */
public final class ThermalLoop {

  private static final long PERIOD_MS = 500;

  private final List<SimNode> nodes;
  private final LoadMeter meter;
  private final Clock clock;
  private final Map<String, ThermalModel> models = new LinkedHashMap<>();
  private final Map<String, Double> rates = new java.util.concurrent.ConcurrentHashMap<>();
  private Instant last;

  /** Models for {@code nodes}, each with the rack profile of its index. */
  public ThermalLoop(List<SimNode> nodes, LoadMeter meter, Clock clock, SimulatorConfig config) {
    this.nodes = nodes;
    this.meter = meter;
    this.clock = clock;
    for (SimNode n : nodes) {
      models.put(
          n.name(),
          new ThermalModel(
              ThermalProfile.forNode(n.index(), config.fullLoadRps()), clock, config.speed()));
    }
    this.last = clock.instant();
  }

  /** Runs the loop on {@code timer}. */
  public void start(ScheduledExecutorService timer) {
    timer.scheduleWithFixedDelay(this::step, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  /** One step for every node (public for tests that drive it by hand). */
  public synchronized void step() {
    Instant now = clock.instant();
    double seconds = Math.max(1e-3, java.time.Duration.between(last, now).toNanos() / 1e9);
    last = now;
    for (SimNode n : nodes) {
      double rps = meter.takeSinceLast(n.address()) / seconds;
      rates.put(n.name(), rps);
      NodeFiles.writeTemperature(n, models.get(n.name()).step(rps));
    }
  }

  /** The model of a node. */
  public ThermalModel model(String node) {
    ThermalModel m = models.get(node);
    if (m == null) {
      throw new IllegalArgumentException("node: no simulated node named " + node);
    }
    return m;
  }

  /** The request rate a node saw in the latest step. */
  public double requestsPerSecond(String node) {
    return rates.getOrDefault(node, 0.0);
  }
}
