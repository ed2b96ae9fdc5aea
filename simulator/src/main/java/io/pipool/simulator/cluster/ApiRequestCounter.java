package io.pipool.simulator.cluster;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the write requests (POST, PUT, PATCH, DELETE) the embedded API server receives, by the
 * client's User-Agent and the resource written, so the benchmark can tell the operator's writes
 * from the simulator's own.
 */
public final class ApiRequestCounter {

  private final Map<String, LongAdder> writes = new ConcurrentHashMap<>();

  /** Records one request; reads and watches are ignored. */
  public void record(String method, String path, String userAgent) {
    String m = method == null ? "" : method.toUpperCase(java.util.Locale.ROOT);
    if (!m.equals("POST") && !m.equals("PUT") && !m.equals("PATCH") && !m.equals("DELETE")) {
      return;
    }
    String key = clientOf(userAgent) + " " + m + " " + resourceOf(path);
    writes.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  /** Writes so far, keyed "client METHOD resource", sorted. */
  public Map<String, Long> snapshot() {
    Map<String, Long> out = new TreeMap<>();
    writes.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Total writes so far by clients whose User-Agent starts with {@code client}. */
  public long total(String client) {
    return writes.entrySet().stream()
        .filter(e -> e.getKey().startsWith(client + " "))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  static String clientOf(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return "unknown";
    }
    String first = userAgent.trim().split("[\\s/]", 2)[0];
    return first.isEmpty() ? "unknown" : first;
  }

  /** "pods", "pods/status", "piserverpools" ... from a request path. */
  static String resourceOf(String path) {
    String p = path == null ? "" : path;
    int q = p.indexOf('?');
    if (q >= 0) {
      p = p.substring(0, q);
    }
    String[] s = p.replaceAll("^/+", "").split("/");
    // /api/v1/<rest> or /apis/<group>/<version>/<rest>
    int i = s.length > 0 && s[0].equals("apis") ? 3 : 2;
    if (i + 1 < s.length && s[i].equals("namespaces") && i + 2 < s.length) {
      i += 2;
    }
    if (i >= s.length) {
      return "unknown";
    }
    String resource = s[i];
    return i + 2 < s.length ? resource + "/" + s[i + 2] : resource;
  }
}
