package io.pipool.autoscale;

import io.pipool.autoscale.Decision.Recommendation;
import io.pipool.autoscale.ScalePolicy.RatePolicy;
import io.pipool.autoscale.ScalePolicy.Rules;
import io.pipool.autoscale.ScalePolicy.Select;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The HPA's {@code behavior}: recommendation history, stabilization windows and rate policies.
 * Stateless; all memory comes in through the history and the previous node states.
 */
final class Behavior {

  /** Bounds the history kept in status even with a long window and a short poll interval. */
  static final int MAX_HISTORY = 256;

  private Behavior() {}

  /**
   * The history to store: entries older than the longest window dropped, this recommendation
   * appended. A run of equal recommendations keeps only its newest entry, which answers every
   * "highest/lowest within the last W seconds" question exactly as the whole run would.
   */
  static List<Recommendation> record(
      List<Recommendation> history, int raw, Instant now, ScalePolicy policy) {
    List<Recommendation> kept = pruned(history, now, policy);
    if (!kept.isEmpty() && kept.get(kept.size() - 1).replicas() == raw) {
      kept.remove(kept.size() - 1);
    }
    kept.add(new Recommendation(now, raw));
    while (kept.size() > MAX_HISTORY) {
      kept.remove(0);
    }
    return List.copyOf(kept);
  }

  /** History sorted by time with entries outside the longest window dropped. */
  static List<Recommendation> pruned(List<Recommendation> history, Instant now, ScalePolicy p) {
    Duration longest = max(p.scaleUp().stabilizationWindow(), p.scaleDown().stabilizationWindow());
    Instant cutoff = now.minus(longest);
    List<Recommendation> kept = new ArrayList<>();
    for (Recommendation r : history) {
      if (r != null && r.time() != null && r.time().isAfter(cutoff) && !r.time().isAfter(now)) {
        kept.add(r);
      }
    }
    kept.sort(Comparator.comparing(Recommendation::time));
    return kept;
  }

  /**
   * The HPA's stabilization: scale up no further than the lowest recommendation of the scale-up
   * window, down no further than the highest of the scale-down window (both include {@code raw}).
   */
  static int stabilize(
      int current, int raw, List<Recommendation> history, ScalePolicy p, Instant now) {
    Instant upCutoff = now.minus(p.scaleUp().stabilizationWindow());
    Instant downCutoff = now.minus(p.scaleDown().stabilizationWindow());
    int up = raw;
    int down = raw;
    for (Recommendation r : history) {
      if (r.time().isAfter(upCutoff)) {
        up = Math.min(up, r.replicas());
      }
      if (r.time().isAfter(downCutoff)) {
        down = Math.max(down, r.replicas());
      }
    }
    int result = current;
    if (result < up) {
      result = up;
    }
    if (result > down) {
      result = down;
    }
    return result;
  }

  /**
   * Applies the rate policies of the direction of change. Changes already made within a period are
   * read from the recorded scale moves.
   */
  static int rateLimit(
      int desired, int current, ScalePolicy p, List<ScaleMove> previous, Instant now) {
    if (desired > current) {
      return Math.min(desired, upLimit(current, p.scaleUp(), previous, now));
    }
    if (desired < current) {
      return Math.max(desired, downLimit(current, p.scaleDown(), previous, now));
    }
    return desired;
  }

  private static int upLimit(int current, Rules rules, List<ScaleMove> previous, Instant now) {
    if (rules.select() == Select.Disabled) {
      return current;
    }
    if (rules.policies().isEmpty()) {
      return Integer.MAX_VALUE;
    }
    Integer limit = null;
    for (RatePolicy rp : rules.policies()) {
      int start = periodStart(current, rp.period(), previous, now);
      int l =
          rp.percent()
              // +1 at least, so a pool scaled to zero can grow under a Percent-only policy.
              ? Math.max((int) Math.ceil(start * (1 + rp.value() / 100.0)), start + 1)
              : start + rp.value();
      limit =
          limit == null
              ? l
              : rules.select() == Select.Max ? Math.max(limit, l) : Math.min(limit, l);
    }
    return Math.max(limit, current);
  }

  private static int downLimit(int current, Rules rules, List<ScaleMove> previous, Instant now) {
    if (rules.select() == Select.Disabled) {
      return current;
    }
    if (rules.policies().isEmpty()) {
      return 0;
    }
    Integer limit = null;
    for (RatePolicy rp : rules.policies()) {
      int start = periodStart(current, rp.period(), previous, now);
      int l =
          rp.percent() ? (int) Math.floor(start * (1 - rp.value() / 100.0)) : start - rp.value();
      limit =
          limit == null
              ? l
              : rules.select() == Select.Max ? Math.min(limit, l) : Math.max(limit, l);
    }
    return Math.min(Math.max(limit, 0), current);
  }

  /** Serving count at the start of the period: current, minus the adds, plus the removals. */
  private static int periodStart(int current, Duration period, List<ScaleMove> moves, Instant now) {
    Instant cutoff = now.minus(period);
    int added = 0;
    int removed = 0;
    for (ScaleMove m : moves) {
      if (m.time() == null || !m.time().isAfter(cutoff) || m.time().isAfter(now)) {
        continue;
      }
      if (m.direction() == ScaleMove.Direction.Up) {
        added += m.size();
      } else {
        removed += m.size();
      }
    }
    return Math.max(0, current - added + removed);
  }

  /** Bounds the moves kept in status. */
  static final int MAX_MOVES = 64;

  /**
   * The moves to store: those within the longest rate-policy period, plus the ones this decision
   * made (nodes added that replace none, and eligible nodes removed).
   */
  static List<ScaleMove> moves(
      List<ScaleMove> past, int added, int removed, int after, ScalePolicy p, Instant now) {
    Instant cutoff = now.minus(p.longestPeriod());
    List<ScaleMove> kept = new ArrayList<>();
    for (ScaleMove m : past) {
      if (m != null && m.time() != null && m.time().isAfter(cutoff) && !m.time().isAfter(now)) {
        kept.add(m);
      }
    }
    kept.sort(Comparator.comparing(ScaleMove::time));
    if (added > 0) {
      kept.add(new ScaleMove(now, ScaleMove.Direction.Up, after - added, after));
    }
    if (removed > 0) {
      kept.add(new ScaleMove(now, ScaleMove.Direction.Down, after + removed, after));
    }
    while (kept.size() > MAX_MOVES) {
      kept.remove(0);
    }
    return List.copyOf(kept);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
