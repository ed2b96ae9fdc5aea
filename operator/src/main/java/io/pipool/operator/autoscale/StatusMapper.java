package io.pipool.operator.autoscale;

import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.api.v1alpha1.Recommendation;
import io.pipool.api.v1alpha1.ScaleMoveStatus;
import io.pipool.autoscale.Decision;
import io.pipool.autoscale.Memory;
import io.pipool.autoscale.NodeState;
import io.pipool.autoscale.ScaleMove;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads the autoscaler's memory back from a pool's status: the nodes' phases and the recommendation
 * history, so an operator restart resumes hysteresis and stabilization.
 */
public final class StatusMapper {

  private StatusMapper() {}

  /** The autoscaler's whole memory as last written. */
  public static Memory memory(PiServerPoolStatus status) {
    return new Memory(previous(status), history(status), moves(status));
  }

  /** The scale moves as last written; entries without a direction, counts or time are skipped. */
  public static List<ScaleMove> moves(PiServerPoolStatus status) {
    if (status == null || status.getScaleMoves() == null) {
      return List.of();
    }
    return status.getScaleMoves().stream()
        .filter(
            m ->
                m != null
                    && m.getDirection() != null
                    && m.getFrom() != null
                    && m.getTo() != null
                    && parse(m.getTime()) != null)
        .map(
            (ScaleMoveStatus m) ->
                new ScaleMove(
                    parse(m.getTime()),
                    ScaleMove.Direction.valueOf(m.getDirection().name()),
                    m.getFrom(),
                    m.getTo()))
        .toList();
  }

  /**
   * Each node's phase as last decided; entries without a name or phase are skipped. Unconfirmed is
   * the decision's Serving that the agent has not confirmed.
   */
  public static List<NodeState> previous(PiServerPoolStatus status) {
    if (status == null || status.getNodes() == null) {
      return List.of();
    }
    return status.getNodes().stream()
        .filter(n -> n.getName() != null && n.getPhase() != null)
        .map(
            n ->
                new NodeState(
                    n.getName(),
                    n.getPhase() == NodeStatus.Phase.Unconfirmed
                        ? NodeState.Phase.Serving
                        : NodeState.Phase.valueOf(n.getPhase().name()),
                    parse(n.getPhaseSince()),
                    n.getReason()))
        .toList();
  }

  /** The recommendations as last written; entries without a readable time or count are skipped. */
  public static List<Decision.Recommendation> history(PiServerPoolStatus status) {
    if (status == null || status.getRecommendations() == null) {
      return List.of();
    }
    return status.getRecommendations().stream()
        .filter(r -> r.getReplicas() != null && parse(r.getTime()) != null)
        .map((Recommendation r) -> new Decision.Recommendation(parse(r.getTime()), r.getReplicas()))
        .toList();
  }

  private static Instant parse(String time) {
    if (time == null) {
      return null;
    }
    try {
      return Instant.parse(time);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
