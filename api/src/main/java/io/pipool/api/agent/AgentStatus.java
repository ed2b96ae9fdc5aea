package io.pipool.api.agent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The document an agent returns on {@code GET /v1/status}: shared by agent (writer) and operator
 * (reader).
 *
 * @param node Kubernetes node name
 * @param pod agent pod name (empty outside a cluster)
 * @param version agent version
 * @param servingMode what the agent does with traffic now
 * @param servingReason why, in a few words
 * @param uptimeSeconds seconds since the agent started
 * @param connections connection counters
 * @param requestsPerSecond request rate over the last few seconds; null from an agent that does not
 *     report it (unknown, never zero)
 * @param requestsTotal requests served since start
 * @param thermal SoC temperature and throttle flags
 * @param sysctls per-sysctl desired, actual and original values
 * @param timestamp when the document was produced (RFC 3339)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AgentStatus(
    String node,
    String pod,
    String version,
    ServingMode servingMode,
    String servingReason,
    long uptimeSeconds,
    Connections connections,
    Double requestsPerSecond,
    long requestsTotal,
    Thermal thermal,
    List<SysctlReport> sysctls,
    String timestamp) {

  /** What the agent does with traffic. */
  public enum ServingMode {
    /** In rotation: ready, accepting up to maxConnections. */
    Serving,
    /** Out of rotation by the operator's label; still answers but reports not ready. */
    Standby,
    /** Too hot or throttled: lowered connection cap, not ready, 503 past the cap. */
    Shedding,
    /** Shutting down: not ready, finishing in-flight requests. */
    Draining
  }

  /**
   * Connection counters.
   *
   * @param active connections open now
   * @param total connections accepted since start
   * @param rejected connections refused with 503 since start
   * @param limit current connection cap (lower while shedding)
   */
  public record Connections(long active, long total, long rejected, long limit) {}

  /**
   * SoC temperature and firmware flags.
   *
   * @param temperatureCelsius SoC temperature, null when it cannot be read
   * @param sensor which thermal zone was read, for example thermal_zone0 (cpu-thermal)
   * @param sensorError why the temperature could not be read, null when it could
   * @param throttle firmware throttle flags, null when vcgencmd is not available
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Thermal(
      Double temperatureCelsius, String sensor, String sensorError, ThrottleFlags throttle) {}
}
