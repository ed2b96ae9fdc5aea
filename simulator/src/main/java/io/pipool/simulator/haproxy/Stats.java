package io.pipool.simulator.haproxy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's {@code show stat} CSV, reduced to what the simulator needs per server.
 *
 * @param servers by server name (rows whose svname is neither FRONTEND nor BACKEND)
 */
public record Stats(Map<String, Server> servers) {

  /**
   * One server's counters.
   *
   * @param name server name (the node)
   * @param current current sessions (scur)
   * @param requests HTTP requests sent to it so far (req_tot, or stot where req_tot is empty)
   */
  public record Server(String name, int current, long requests) {}

  /** Parses the CSV. */
  public static Stats parse(String csv) {
    List<String> header = null;
    Map<String, Server> out = new LinkedHashMap<>();
    for (String line : csv.split("\n")) {
      if (line.startsWith("# ")) {
        header = Arrays.asList(line.substring(2).split(",", -1));
        continue;
      }
      if (header == null || line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      String sv = f[header.indexOf("svname")];
      if (sv.equals("FRONTEND") || sv.equals("BACKEND")) {
        continue;
      }
      int req = header.indexOf("req_tot");
      String requests = req >= 0 && req < f.length && !f[req].isEmpty() ? f[req] : null;
      if (requests == null) {
        requests = f[header.indexOf("stot")];
      }
      out.put(
          sv,
          new Server(sv, Integer.parseInt(f[header.indexOf("scur")]), Long.parseLong(requests)));
    }
    return new Stats(out);
  }
}
