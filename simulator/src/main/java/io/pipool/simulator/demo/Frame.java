package io.pipool.simulator.demo;

import java.time.Duration;
import java.util.List;

/**
 * One second of the demo, as the live view shows it.
 *
 * @param elapsed time since the load started
 * @param nodes one row per node
 * @param desired the pool's desired serving nodes (null before the first status)
 * @param serving the pool's serving nodes (null before the first status)
 * @param endpoints addresses in the pool Service's Endpoints, as Kubernetes' endpoints controller
 *     wrote them (null where there is none: the embedded stand-in)
 * @param target what one serving node should carry, e.g. "800 connections per node"
 * @param loadTarget connections the load generator aims for
 * @param open connections open now
 * @param requestsPerSecond requests per second over all nodes
 * @param shed 503 answers so far
 * @param errors load errors so far
 * @param latestEvent the newest Event on the pool, or null
 * @param story what the story is doing now
 */
public record Frame(
    Duration elapsed,
    List<Row> nodes,
    Integer desired,
    Integer serving,
    Integer endpoints,
    String target,
    int loadTarget,
    int open,
    double requestsPerSecond,
    long shed,
    long errors,
    String latestEvent,
    String story) {

  /**
   * One node.
   *
   * @param name node name
   * @param address its address
   * @param profile its thermal profile label
   * @param phase phase from the pool status
   * @param connections connections the balancer holds to it
   * @param requestsPerSecond its request rate
   * @param celsius SoC temperature now
   * @param sysctls sysctl state from the pool status
   */
  public record Row(
      String name,
      String address,
      String profile,
      String phase,
      int connections,
      double requestsPerSecond,
      double celsius,
      String sysctls) {}
}
