package io.pipool.autoscale;

import java.time.Instant;

/**
 * The latest thing the operator knows about one pool node's agent.
 *
 * @param node Kubernetes node name (the identity the decision works with)
 * @param ready the agent pod is running and its container ready to be labelled
 * @param sampledAt when the agent last answered /v1/status, null if it never did
 * @param reachable the latest poll got a valid answer
 * @param unreachableReason why the latest poll failed (timeout, HTTP 500, bad JSON...), else null
 * @param load what the node carried in the latest valid sample; {@link Load#UNKNOWN} when none
 * @param temperatureCelsius SoC temperature in the latest valid sample, null when unknown
 * @param throttled the firmware reports it is currently throttled (bit 2)
 */
public record NodeSample(
    String node,
    boolean ready,
    Instant sampledAt,
    boolean reachable,
    String unreachableReason,
    Load load,
    Double temperatureCelsius,
    boolean throttled) {

  public NodeSample {
    load = load == null ? Load.UNKNOWN : load;
  }
}
