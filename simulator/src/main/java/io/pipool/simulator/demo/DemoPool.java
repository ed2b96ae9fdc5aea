package io.pipool.simulator.demo;

import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.SimNode;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The demo's pool: the example with free ports, the demo's pace, and a fit for the front. */
final class DemoPool {

  private DemoPool() {}

  /** Tunes {@code pool} for the demo; says on {@code out} when it had to move ports. */
  static void tune(
      PiServerPool pool, DemoOptions o, DemoOptions.Front front, Simulator sim, PrintStream out) {
    List<String> addresses = sim.nodes().values().stream().map(SimNode::address).toList();
    int port = pool.getSpec().getServer().getPort();
    int admin = pool.getSpec().getServer().getAdminPort();
    // a network namespace of the simulator's own is empty: only loopback addresses are shared
    boolean shared = sim.network() == null;
    if (shared
        && (!FreePorts.freeEverywhere(addresses, port)
            || !FreePorts.freeEverywhere(addresses, admin))) {
      List<Integer> free = FreePorts.pick(addresses, 2);
      out.printf(
          "ports %d/%d are taken here; the pool uses %d/%d%n",
          port, admin, free.get(0), free.get(1));
      port = free.get(0);
      admin = free.get(1);
    }
    int window = o.scaleDownWindowSeconds();
    new PoolTuning(port, admin, o.pollSeconds(), o.target(), window, 1, o.nodes()).apply(pool);
    if (front != DemoOptions.Front.BUILTIN) {
      // HAProxy pools its connections to the nodes, so the agents count far fewer connections
      // than the clients hold; every request still reaches a node, so the pool scales on those
      pool.getSpec()
          .getAutoscaling()
          .setMetrics(
              List.of(
                  new MetricSpec(MetricSpec.Type.RequestsPerSecond, targetRequestsPerSecond(o))));
    }
    if (front == DemoOptions.Front.HAPROXY) {
      int agentCheck =
          pool.getSpec().getServer().getAgentCheckPort() == null
              ? 9101
              : pool.getSpec().getServer().getAgentCheckPort();
      // as for the pool's ports: only loopback addresses are shared with this machine (the
      // addresses of a namespace of the simulator's own cannot even be bound from here)
      if (shared && !FreePorts.freeEverywhere(addresses, agentCheck)) {
        agentCheck = FreePorts.pick(addresses, 1).get(0);
      }
      pool.getSpec().getServer().setAgentCheckPort(agentCheck);
    } else {
      pool.getSpec().getServer().setAgentCheckPort(null);
    }
  }

  /**
   * Requests per second one serving node should carry behind HAProxy: as many as {@code --target}
   * connections ask for, each sending a request a second.
   */
  static double targetRequestsPerSecond(DemoOptions o) {
    return o.target() * 1000.0 / DemoRun.REQUEST_INTERVAL_MILLIS;
  }

  /** The target as the live view shows it. */
  static String targetText(DemoOptions o, DemoOptions.Front front) {
    return front == DemoOptions.Front.BUILTIN
        ? o.target() + " connections per node"
        : String.format(Locale.ROOT, "%.0f requests/s per node", targetRequestsPerSecond(o));
  }
}
