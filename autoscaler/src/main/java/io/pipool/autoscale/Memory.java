package io.pipool.autoscale;

import io.pipool.autoscale.Decision.Recommendation;
import java.util.List;

/**
 * What the autoscaler remembers between decisions, all of it kept in the pool's status so a new
 * operator decides exactly as the old one would have.
 *
 * @param nodes each node's state from the previous decision
 * @param recommendations past recommendations, for the stabilization windows
 * @param moves past scale moves, for the rate policies
 * @param desired the last decision's desiredReplicas, null when none was made or it was lost: the
 *     size that missing data holds (a node standing in for one nobody sees does not raise it)
 */
public record Memory(
    List<NodeState> nodes,
    List<Recommendation> recommendations,
    List<ScaleMove> moves,
    Integer desired) {

  /** A new pool, or one whose status was lost. */
  public static final Memory EMPTY = new Memory(List.of(), List.of(), List.of(), null);

  public Memory {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
    moves = moves == null ? List.of() : List.copyOf(moves);
  }
}
