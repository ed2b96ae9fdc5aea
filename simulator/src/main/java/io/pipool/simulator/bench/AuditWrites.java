package io.pipool.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts one client's writes from a real API server's audit log (JSON lines, as bin/control-plane
 * writes it), keyed "METHOD resource[/subresource]" like {@code ApiRequestCounter} on the stand-in.
 */
final class AuditWrites {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> METHODS =
      Map.of(
          "create", "POST",
          "update", "PUT",
          "patch", "PATCH",
          "delete", "DELETE",
          "deletecollection", "DELETE");

  private AuditWrites() {}

  /** Writes completed in [from, to) by clients whose user agent starts with {@code agentPrefix}. */
  static Map<String, Long> count(Path auditLog, Instant from, Instant to, String agentPrefix)
      throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (BufferedReader in = Files.newBufferedReader(auditLog)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        JsonNode e = JSON.readTree(line);
        String method = METHODS.get(e.path("verb").asText().toLowerCase(Locale.ROOT));
        if (method == null
            || !"ResponseComplete".equals(e.path("stage").asText())
            || !e.path("userAgent").asText().startsWith(agentPrefix)) {
          continue;
        }
        Instant at = Instant.parse(e.path("stageTimestamp").asText());
        if (at.isBefore(from) || !at.isBefore(to)) {
          continue;
        }
        JsonNode ref = e.path("objectRef");
        String resource = ref.path("resource").asText();
        if (ref.hasNonNull("subresource")) {
          resource += "/" + ref.path("subresource").asText();
        }
        out.merge(method + " " + resource, 1L, Long::sum);
      }
    }
    return out;
  }
}
