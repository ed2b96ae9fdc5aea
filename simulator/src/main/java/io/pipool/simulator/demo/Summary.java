package io.pipool.simulator.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What happened during the demo, for the closing summary. */
public final class Summary {

  private final List<String> scaleEvents = new ArrayList<>();
  private final List<String> drains = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> endpointChanges = new ArrayList<>();
  private List<String> lastEndpoints;
  private int endpointSamples;
  private int endpointMatches;
  private int peakEndpoints;
  private int peakServing;
  private int peakConnections;
  private Integer lastDesired;

  /** Records the pool's desired size; a change is a scale event. */
  public void desired(Duration at, Integer desired, int connections) {
    if (desired == null) {
      return;
    }
    if (lastDesired != null && !lastDesired.equals(desired)) {
      scaleEvents.add(
          String.format(
              Locale.ROOT,
              "t=%ds scaled %s from %d to %d serving nodes at %d connections",
              at.toSeconds(),
              desired > lastDesired ? "up" : "down",
              lastDesired,
              desired,
              connections));
    }
    lastDesired = desired;
  }

  /**
   * Records the pool Service's endpoints as Kubernetes wrote them, next to the pool's serving
   * count; a change of the addresses is listed in the summary.
   */
  public void endpoints(Duration at, List<String> addresses, Integer serving) {
    endpointSamples++;
    if (serving != null && serving == addresses.size()) {
      endpointMatches++;
    }
    peakEndpoints = Math.max(peakEndpoints, addresses.size());
    peakServing = Math.max(peakServing, serving == null ? 0 : serving);
    if (!addresses.equals(lastEndpoints)) {
      endpointChanges.add(
          String.format(
              Locale.ROOT,
              "t=%ds %d address%s (serving %s)%s",
              at.toSeconds(),
              addresses.size(),
              addresses.size() == 1 ? "" : "es",
              serving == null ? "-" : serving,
              addresses.isEmpty() ? "" : ": " + String.join(" ", addresses)));
      lastEndpoints = List.copyOf(addresses);
    }
  }

  /** A node left rotation because it got hot. */
  public void drained(Duration at, String node, double celsius) {
    drains.add(
        String.format(
            Locale.ROOT,
            "t=%ds %s taken out of rotation at %.1f °C",
            at.toSeconds(),
            node,
            celsius));
  }

  /** Something that should not happen in the story. */
  public void problem(String what) {
    problems.add(what);
  }

  /** The most connections held at once. */
  public void connections(int open) {
    peakConnections = Math.max(peakConnections, open);
  }

  /** Scale events so far. */
  public List<String> scaleEvents() {
    return scaleEvents;
  }

  /** Drains so far. */
  public List<String> drains() {
    return drains;
  }

  /** Problems so far. */
  public List<String> problems() {
    return problems;
  }

  /** The closing text. */
  public String render(long loadErrors, long shed, String restore) {
    if (endpointSamples > 0 && peakServing > 0 && peakEndpoints == 0) {
      problem("the pool's Service never had an endpoint although up to " + peakServing + " served");
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%n== pi-pool demo summary ==%n"));
    sb.append(String.format("peak connections: %d%n", peakConnections));
    sb.append(String.format("scale events: %d%n", scaleEvents.size()));
    scaleEvents.forEach(s -> sb.append("  ").append(s).append('\n'));
    sb.append(String.format("thermal drains: %d%n", drains.size()));
    drains.forEach(s -> sb.append("  ").append(s).append('\n'));
    if (endpointSamples > 0) {
      sb.append(
          String.format(
              "Service endpoints (kubectl get endpoints): %d changes, equal to the serving count"
                  + " in %d of %d seconds%n",
              endpointChanges.size(), endpointMatches, endpointSamples));
      endpointChanges.forEach(s -> sb.append("  ").append(s).append('\n'));
    }
    sb.append(
        String.format(
            "errors: %d load errors, %d requests shed with 503, %d problems%n",
            loadErrors, shed, problems.size()));
    problems.forEach(s -> sb.append("  ").append(s).append('\n'));
    sb.append(String.format("pool deleted: %s%n", restore));
    return sb.toString();
  }
}
