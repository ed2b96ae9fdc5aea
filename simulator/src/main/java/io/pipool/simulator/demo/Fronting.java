package io.pipool.simulator.demo;

import io.pipool.simulator.Simulator;
import io.pipool.simulator.haproxy.Haproxy;
import io.pipool.simulator.haproxy.HaproxyFront;
import io.pipool.simulator.load.Balancer;
import io.pipool.simulator.load.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the demo's load goes through: a real HAProxy from the operator's front-end ConfigMap, or the
 * simulator's own balancer.
 *
 * @param haproxy the HAProxy front, null with the built-in balancer
 * @param builtin the built-in balancer, null with HAProxy
 */
record Fronting(HaproxyFront haproxy, Balancer builtin) implements AutoCloseable {

  /** The balancer asked for, or HAProxy when it is on PATH and none was asked for. */
  static DemoOptions.Front resolve(DemoOptions.Front asked) {
    if (asked != DemoOptions.Front.AUTO) {
      return asked;
    }
    return Haproxy.binary().isPresent() ? DemoOptions.Front.HAPROXY : DemoOptions.Front.BUILTIN;
  }

  /** Starts the front for pool {@code name} and says which one on {@code out}. */
  static Fronting open(
      Simulator sim,
      DemoOptions.Front front,
      String name,
      int nodes,
      String namespace,
      Supplier<Duration> elapsed,
      PrintStream out)
      throws InterruptedException {
    if (front == DemoOptions.Front.BUILTIN) {
      out.println("balancer: the simulator's own (install haproxy for a real one)");
      return new Fronting(null, new Balancer(sim.vertx(), sim.cache()::pods, name, 500));
    }
    Path binary =
        Haproxy.binary()
            .orElseThrow(
                () -> new IllegalStateException("--front " + front + ": haproxy is not on PATH"));
    try {
      HaproxyFront h =
          HaproxyFront.start(
              binary,
              sim.workDir().resolve("haproxy"),
              sim.client(),
              namespace,
              name,
              nodes,
              DemoOptions.MAX_PEAK,
              sim.meter(),
              elapsed,
              Duration.ofSeconds(30));
      out.println(
          "balancer: HAProxy on 127.0.0.1:"
              + h.endpoints().get(0).port()
              + " from ConfigMap "
              + namespace
              + "/"
              + name
              + "-frontend"
              + (front == DemoOptions.Front.HAPROXY
                  ? ", weights from the agents"
                  : ", no agent-check"));
      return new Fronting(h, null);
    } catch (IOException e) {
      throw new IllegalStateException("HAProxy did not start: " + e.getMessage(), e);
    }
  }

  /** The endpoints the load generator connects to. */
  Supplier<List<Endpoint>> endpoints() {
    return haproxy != null ? haproxy::endpoints : builtin::endpoints;
  }

  @Override
  public void close() {
    if (haproxy != null) {
      haproxy.close();
    }
    if (builtin != null) {
      builtin.close();
    }
  }
}
