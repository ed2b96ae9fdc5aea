package io.pipool.autoscale;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Picks which nodes serve once the count is known, moving as few nodes as possible. */
final class Selector {

  /** Coolest first (unknown temperature last), then fewer connections, then name. */
  static final Comparator<NodeView> COOLEST_FIRST =
      Comparator.comparingDouble(Selector::temperatureOrWorst)
          .thenComparingLong(NodeView::connectionsOrZero)
          .thenComparing(NodeView::name);

  /**
   * Removal order: nodes without data first (they may be dead), then hottest (unknown counts as
   * hottest), then least loaded so the fewest connections move, then name.
   */
  static final Comparator<NodeView> REMOVE_FIRST =
      Comparator.comparing((NodeView v) -> !v.held())
          .thenComparing(Comparator.comparingDouble(Selector::temperatureOrWorst).reversed())
          .thenComparingLong(NodeView::connectionsOrZero)
          .thenComparing(NodeView::name);

  private Selector() {}

  /**
   * The serving set of size {@code n} (or fewer when not enough nodes qualify). Nodes serving now
   * that still qualify are kept, so an unchanged count causes no churn; hot, unready and gone nodes
   * drop out and the coolest eligible standbys fill their places at once. When every node chosen is
   * held on missing data, the coolest eligible standby serves beside them.
   */
  static Set<String> choose(int n, List<NodeView> views) {
    List<NodeView> keep = new ArrayList<>();
    List<NodeView> standby = new ArrayList<>();
    for (NodeView v : views) {
      if (v.serving() && (v.eligible() || v.held())) {
        keep.add(v);
      } else if (!v.serving() && v.eligible()) {
        standby.add(v);
      }
    }
    standby.sort(COOLEST_FIRST);
    Set<String> chosen = new LinkedHashSet<>();
    if (keep.size() >= n) {
      keep.sort(REMOVE_FIRST.reversed());
      keep.stream().limit(Math.max(n, 0)).forEach(v -> chosen.add(v.name()));
    } else {
      keep.sort(COOLEST_FIRST);
      keep.forEach(v -> chosen.add(v.name()));
      standby.stream().limit(n - keep.size()).forEach(v -> chosen.add(v.name()));
    }
    boolean seen = views.stream().anyMatch(v -> v.eligible() && chosen.contains(v.name()));
    if (n > 0 && !seen && !standby.isEmpty()) {
      // Every chosen node is held on missing data. They keep serving (the operator may only be
      // cut off from them), but a pool must not hang on nodes nobody sees while one that answers
      // stands by: the only serving node may be gone, and the front then has nothing to send to.
      chosen.add(standby.get(0).name());
    }
    return chosen;
  }

  private static double temperatureOrWorst(NodeView v) {
    Double t = v.temperature();
    return t == null ? Double.POSITIVE_INFINITY : t;
  }
}
