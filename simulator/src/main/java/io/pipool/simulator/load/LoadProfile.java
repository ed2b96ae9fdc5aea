package io.pipool.simulator.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How many connections the load generator holds over time: points joined by straight lines, flat
 * before the first and after the last. Written as {@code seconds:connections} pairs, for example
 * {@code 0:0,30:4000,60:4000,80:300}.
 */
public record LoadProfile(List<Point> points) {

  /**
   * One point of the profile.
   *
   * @param at time since the start of the load
   * @param connections connections to hold at that time
   */
  public record Point(Duration at, int connections) {}

  public LoadProfile {
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "load profile: needs at least one seconds:connections point");
    }
    for (int i = 1; i < points.size(); i++) {
      if (points.get(i).at().compareTo(points.get(i - 1).at()) < 0) {
        throw new IllegalArgumentException(
            "load profile: times must not go backwards (" + points.get(i).at().toSeconds() + "s)");
      }
    }
    points = List.copyOf(points);
  }

  /** Parses {@code seconds:connections,...}; errors name the bad entry and the expected form. */
  public static LoadProfile parse(String text) {
    List<Point> points = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] kv = p.split(":");
      try {
        if (kv.length != 2) {
          throw new NumberFormatException();
        }
        double seconds = Double.parseDouble(kv[0].trim().replaceAll("s$", ""));
        int connections = Integer.parseInt(kv[1].trim());
        if (seconds < 0 || connections < 0) {
          throw new NumberFormatException();
        }
        points.add(new Point(Duration.ofMillis(Math.round(seconds * 1000)), connections));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "load profile: \""
                + p
                + "\" is not allowed; expected seconds:connections with non-negative numbers,"
                + " for example 0:0,30:4000,60:4000,80:300");
      }
    }
    return new LoadProfile(points);
  }

  /** The connections to hold at {@code t} since the start. */
  public int connectionsAt(Duration t) {
    Point first = points.get(0);
    if (t.compareTo(first.at()) <= 0) {
      return first.connections();
    }
    for (int i = 1; i < points.size(); i++) {
      Point b = points.get(i);
      if (t.compareTo(b.at()) <= 0) {
        Point a = points.get(i - 1);
        double span = b.at().minus(a.at()).toMillis();
        if (span == 0) {
          return b.connections();
        }
        double f = t.minus(a.at()).toMillis() / span;
        return (int) Math.round(a.connections() + f * (b.connections() - a.connections()));
      }
    }
    return points.get(points.size() - 1).connections();
  }

  /** The highest connection count anywhere in the profile. */
  public int peak() {
    return points.stream().mapToInt(Point::connections).max().orElse(0);
  }

  /** When the last point is reached. */
  public Duration length() {
    return points.get(points.size() - 1).at();
  }

  /** The profile as {@code seconds:connections} text. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Point p : points) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      double s = p.at().toMillis() / 1000.0;
      sb.append(s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s))
          .append(':')
          .append(p.connections());
    }
    return sb.toString();
  }
}
