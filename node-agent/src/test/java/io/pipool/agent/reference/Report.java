package io.pipool.agent.reference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** The side-by-side table of one reference run, as Markdown. */
final class Report {

  /**
   * One case's row.
   *
   * @param c the case
   * @param nginx what nginx did
   * @param agent what the agent did
   * @param failures what the agent did not hold (empty when it held)
   */
  record Row(Case c, Outcome nginx, Outcome agent, List<Throwable> failures) {}

  private Report() {}

  static String markdown(List<Row> rows, Instant started) {
    StringBuilder b = new StringBuilder();
    long held = rows.stream().filter(r -> r.failures().isEmpty()).count();
    b.append("Run of `NginxReferenceTest` started ")
        .append(started)
        .append(" on ")
        .append(machine())
        .append("; ")
        .append(nginxVersion())
        .append(", Java ")
        .append(System.getProperty("java.version"))
        .append(". The agent held ")
        .append(held)
        .append(" of ")
        .append(rows.size())
        .append(" cases.\n\n");
    b.append("| Case | Class | The client | nginx | agent | Agent holds |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      b.append("| `")
          .append(r.c().id())
          .append("` | ")
          .append(r.c().issueClass())
          .append(" | ")
          .append(r.c().what().replace("|", "\\|"))
          .append(" | ")
          .append(r.nginx().cell())
          .append(" | ")
          .append(r.agent().cell())
          .append(" | ")
          .append(r.failures().isEmpty() ? "yes" : "**no**: " + reasons(r.failures()))
          .append(" |\n");
    }
    return b.toString();
  }

  private static String reasons(List<Throwable> failures) {
    StringBuilder b = new StringBuilder();
    for (Throwable e : failures) {
      String m = e.getMessage() == null ? e.toString() : e.getMessage().strip();
      int bracket = m.indexOf(']');
      String what =
          m.startsWith("[") && bracket > 0
              ? m.substring(1, bracket)
              : m.lines().findFirst().orElse(m);
      b.append(b.length() == 0 ? "" : "; ").append(what.replace("|", "\\|"));
    }
    return b.toString();
  }

  private static String machine() {
    return System.getProperty("os.name")
        + " "
        + System.getProperty("os.arch")
        + ", "
        + Runtime.getRuntime().availableProcessors()
        + " cores";
  }

  private static String nginxVersion() {
    try {
      Process p =
          new ProcessBuilder(NginxServer.BINARY.toString(), "-v").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return v.replace("nginx version: ", "");
    } catch (IOException | InterruptedException e) {
      return "nginx (version unknown)";
    }
  }
}
