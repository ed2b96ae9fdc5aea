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
 */
public record Memory(
    List<NodeState> nodes, List<Recommendation> recommendations, List<ScaleMove> moves) {

  /** A new pool, or one whose status was lost. */
  public static final Memory EMPTY = new Memory(List.of(), List.of(), List.of());

  public Memory {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
    recommendations = recommendations == null ? List.of() : List.copyOf(recommendations);
    moves = moves == null ? List.of() : List.copyOf(moves);
  }
}
