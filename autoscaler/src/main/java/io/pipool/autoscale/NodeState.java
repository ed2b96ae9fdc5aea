package io.pipool.autoscale;

import java.time.Instant;

/**
 * Where a node stands in rotation, remembered between decisions (kept in the pool's status).
 *
 * @param node node name
 * @param phase current phase
 * @param since when the node entered this phase
 * @param reason why, in a few words a user can read in kubectl describe
 */
public record NodeState(String node, Phase phase, Instant since, String reason) {

  /** Rotation phases; same names as the CRD's status.nodes[].phase. */
  public enum Phase {
    Pending,
    Serving,
    Standby,
    Draining,
    Hot,
    Unreachable
  }
}
