package io.pipool.simulator.e2e;

import io.pipool.simulator.load.Balancer;
import io.pipool.simulator.load.LoadGenerator;

/**
 * The front in the end-to-end tests: a balancer over the pool's serving pods that health-checks
 * their {@code /readyz} every 500 ms, and a load of long-lived connections through it.
 */
record FrontLoad(Balancer balancer, LoadGenerator load) implements AutoCloseable {

  /** Starts both on the cluster's Vert.x; the load holds no connection until given a target. */
  static FrontLoad start(SimCluster c) {
    Balancer balancer = new Balancer(c.sim.vertx(), c.sim.cache()::pods, SimCluster.POOL, 500);
    LoadGenerator load =
        new LoadGenerator(
            c.sim.vertx(),
            new LoadGenerator.Settings(1000, 1000, 50),
            c.sim.meter(),
            balancer::endpoints);
    return new FrontLoad(balancer, load);
  }

  @Override
  public void close() {
    load.close();
    balancer.close();
  }
}
