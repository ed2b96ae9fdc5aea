package io.pipool.simulator.demo;

import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.PoolTuning;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.node.FreePorts;
import io.pipool.simulator.node.SimNode;
import java.io.PrintStream;
import java.util.List;

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
    // HAProxy pools its connections to the nodes, so the agents count far fewer connections than
    // the clients hold and the pool would not scale up on them: keep all but one node serving,
    // so the weights have somewhere to steer load and a standby node can replace a drained one.
    int min = front == DemoOptions.Front.BUILTIN ? 1 : Math.max(1, o.nodes() - 1);
    if (min > 1) {
      out.printf(
          "behind HAProxy the demo sets the pool's minReplicas to %d of %d nodes: HAProxy reuses its"
              + " connections to the nodes, so the agents count too few to scale on"
              + " (--front builtin shows the autoscaling)%n",
          min, o.nodes());
    }
    new PoolTuning(port, admin, o.pollSeconds(), o.target(), window, min, o.nodes()).apply(pool);
    if (front == DemoOptions.Front.HAPROXY) {
      int agentCheck =
          pool.getSpec().getServer().getAgentCheckPort() == null
              ? 9101
              : pool.getSpec().getServer().getAgentCheckPort();
      if (!FreePorts.freeEverywhere(addresses, agentCheck)) {
        agentCheck = FreePorts.pick(addresses, 1).get(0);
      }
      pool.getSpec().getServer().setAgentCheckPort(agentCheck);
    } else {
      pool.getSpec().getServer().setAgentCheckPort(null);
    }
  }
}
