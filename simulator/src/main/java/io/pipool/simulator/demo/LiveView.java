package io.pipool.simulator.demo;

import java.util.Locale;

/** Renders a {@link Frame} as text: a full screen for terminals, or one line for logs. */
public final class LiveView {

  private static final String CLEAR = "\033[H\033[2J";
  private static final int MAX_ROWS = 24;

  private LiveView() {}

  /** The full view; {@code ansi} prefixes the escape that clears the terminal. */
  public static String screen(Frame f, boolean ansi) {
    StringBuilder sb = new StringBuilder();
    if (ansi) {
      sb.append(CLEAR);
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "pi-pool demo: %d simulated Raspberry Pi 4 nodes, real operator and agents   t=%3ds%n",
            f.nodes().size(),
            f.elapsed().toSeconds()));
    sb.append(
        String.format(
            Locale.ROOT,
            "pool default/web: desired %s, serving %s%s, target %s%n",
            f.desired() == null ? "-" : f.desired(),
            f.serving() == null ? "-" : f.serving(),
            f.endpoints() == null ? "" : ", Service endpoints " + f.endpoints(),
            f.target()));
    sb.append(
        String.format(
            Locale.ROOT,
            "load: %d of %d connections open, %.0f req/s, %d shed (503), %d errors%n%n",
            f.open(),
            f.loadTarget(),
            f.requestsPerSecond(),
            f.shed(),
            f.errors()));
    sb.append(
        String.format(
            Locale.ROOT,
            "%-7s %-15s %-11s %-12s %6s %7s %9s  %s%n",
            "NODE",
            "ADDRESS",
            "COOLING",
            "PHASE",
            "CONNS",
            "REQ/S",
            "SOC",
            "SYSCTLS"));
    int shown = 0;
    for (Frame.Row r : f.nodes()) {
      if (shown++ == MAX_ROWS) {
        sb.append(String.format("... and %d more nodes%n", f.nodes().size() - MAX_ROWS));
        break;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "%-7s %-15s %-11s %-12s %6d %7.0f %6.1f °C  %s%n",
              r.name(),
              r.address(),
              r.profile(),
              r.phase(),
              r.connections(),
              r.requestsPerSecond(),
              r.celsius(),
              r.sysctls()));
    }
    sb.append(String.format("%nstory: %s%n", f.story()));
    sb.append(String.format("latest event: %s%n", f.latestEvent() == null ? "-" : f.latestEvent()));
    return sb.toString();
  }

  /** A one-line summary, for output that is not a terminal. */
  public static String line(Frame f) {
    double hottest = f.nodes().stream().mapToDouble(Frame.Row::celsius).max().orElse(0);
    return String.format(
        Locale.ROOT,
        "t=%3ds desired=%s serving=%s%s open=%d/%d hottest=%.1f°C %s | %s",
        f.elapsed().toSeconds(),
        f.desired() == null ? "-" : f.desired(),
        f.serving() == null ? "-" : f.serving(),
        f.endpoints() == null ? "" : " endpoints=" + f.endpoints(),
        f.open(),
        f.loadTarget(),
        hottest,
        f.story(),
        f.latestEvent() == null ? "-" : f.latestEvent());
  }
}
