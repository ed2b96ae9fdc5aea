package io.pipool.autoscale;

import java.time.Instant;

/**
 * One change of the serving count that the rate policies limit (replacing a hot or lost node is not
 * one). Kept in status so the limits hold across an operator restart.
 *
 * @param time when the decision made it
 * @param direction Up or Down
 * @param from serving nodes before
 * @param to serving nodes after
 */
public record ScaleMove(Instant time, Direction direction, int from, int to) {

  /** Which way the count moved. */
  public enum Direction {
    Up,
    Down
  }

  /** Nodes this move added (Up) or removed (Down). */
  int size() {
    return Math.abs(to - from);
  }
}
