package io.pipool.simulator.haproxy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HAProxy's {@code show servers state} answer: a version line, a {@code #} header naming the
 * columns, then one space-separated row per server.
 *
 * @param servers by server name
 */
public record ServersState(Map<String, Server> servers) {

  /** Administrative state bits that mean maintenance (forced, inherited, config, resolution). */
  static final int MAINT_BITS = 0x01 | 0x02 | 0x04 | 0x20 | 0x40;

  /** Administrative state bits that mean drain (forced, inherited). */
  static final int DRAIN_BITS = 0x08 | 0x10;

  /**
   * One server.
   *
   * @param name server name (the node)
   * @param address its address
   * @param operational srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping
   * @param admin srv_admin_state bits
   * @param weight srv_uweight, the weight in effect (the agent's percentage of 100)
   */
  public record Server(String name, String address, int operational, int admin, int weight) {

    /** What a user reads: up with its weight, drain, maint or down. */
    public String label() {
      if ((admin & MAINT_BITS) != 0) {
        return "maint";
      }
      if (operational != 2) {
        return "down";
      }
      if ((admin & DRAIN_BITS) != 0) {
        return "drain";
      }
      return "up " + weight + "%";
    }

    /** Up, not drained, with a weight: receives new requests. */
    public boolean inRotation() {
      return operational == 2 && (admin & (MAINT_BITS | DRAIN_BITS)) == 0 && weight > 0;
    }
  }

  /** Parses the answer; unknown lines are skipped. */
  public static ServersState parse(String text) {
    List<String> header = null;
    Map<String, Server> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.startsWith("#")) {
        header = Arrays.asList(l.substring(1).strip().split("\\s+"));
        continue;
      }
      if (header == null || l.isEmpty()) {
        continue;
      }
      String[] f = l.split("\\s+");
      if (f.length < header.size()) {
        continue;
      }
      String name = f[header.indexOf("srv_name")];
      out.put(
          name,
          new Server(
              name,
              f[header.indexOf("srv_addr")],
              Integer.parseInt(f[header.indexOf("srv_op_state")]),
              Integer.parseInt(f[header.indexOf("srv_admin_state")]),
              Integer.parseInt(f[header.indexOf("srv_uweight")])));
    }
    return new ServersState(out);
  }
}
