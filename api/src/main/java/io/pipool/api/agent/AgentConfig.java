package io.pipool.api.agent;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The node agent's configuration file (agent.yaml): rendered by the operator into the pool's
 * ConfigMap, read by the agent with Jackson YAML. Every field may be absent; the agent applies the
 * documented defaults. Environment variables override single settings (see the agent's README
 * section).
 *
 * @param node Kubernetes node name (usually from the downward API, env PIPOOL_NODE_NAME)
 * @param pod agent pod name (env PIPOOL_POD_NAME)
 * @param namespace agent pod namespace (env PIPOOL_POD_NAMESPACE)
 * @param server the traffic and admin servers
 * @param sysctls kernel tuning
 * @param thermal temperature reading and self-protection
 * @param serving how the agent learns whether it is in rotation
 * @param logging log format
 * @param shutdownGraceSeconds how long in-flight requests may take to finish on SIGTERM (20)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record AgentConfig(
    String node,
    String pod,
    String namespace,
    Server server,
    Sysctls sysctls,
    Thermal thermal,
    Serving serving,
    Logging logging,
    Integer shutdownGraceSeconds) {

  /**
   * Traffic and admin servers.
   *
   * @param host traffic bind address (0.0.0.0)
   * @param port traffic port (8080)
   * @param adminHost admin bind address (the pod IP from PIPOOL_POD_IP when set, else 0.0.0.0)
   * @param adminPort admin port for /healthz, /readyz, /metrics, /v1/status (9090)
   * @param mode Echo, Static or Proxy (Echo)
   * @param echoBodyBytes Echo body size (1024)
   * @param staticDir folder served in Static mode (/srv/static)
   * @param upstream upstream base URL in Proxy mode
   * @param compression gzip compressible responses (true)
   * @param http2 offer h2c, and h2 via ALPN with TLS (true)
   * @param maxConnections concurrent connection cap (4000)
   * @param idleTimeoutSeconds idle keep-alive timeout (60)
   * @param headerTimeoutSeconds time a client has to send the request head (10)
   * @param tlsCertFile PEM certificate; TLS is on when this and tlsKeyFile are set
   * @param tlsKeyFile PEM private key
   * @param eventLoops event-loop threads (number of cores)
   * @param agentCheckPort HAProxy agent-check port; absent: off (0: any free port)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Server(
      String host,
      Integer port,
      String adminHost,
      Integer adminPort,
      String mode,
      Integer echoBodyBytes,
      String staticDir,
      String upstream,
      Boolean compression,
      Boolean http2,
      Integer maxConnections,
      Integer idleTimeoutSeconds,
      Integer headerTimeoutSeconds,
      String tlsCertFile,
      String tlsKeyFile,
      Integer eventLoops,
      Integer agentCheckPort) {}

  /**
   * Kernel tuning.
   *
   * @param procRoot root of the sysctl tree (/proc/sys); the init container mounts the host's
   * @param stateFile where the originals are saved (/var/lib/pi-pool/sysctl-originals.json)
   * @param values desired sysctls, dotted names to values
   * @param checkIntervalSeconds how often the serving process re-reads them for drift (30)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sysctls(
      String procRoot,
      String stateFile,
      Map<String, String> values,
      Integer checkIntervalSeconds) {}

  /**
   * Temperature and throttling.
   *
   * @param sysfsRoot root under which class/thermal lives (/sys)
   * @param vcgencmd path of the vcgencmd binary; throttle flags are skipped when it is missing
   * @param pollIntervalSeconds how often to read the sensor (2)
   * @param criticalCelsius shed load at or above this (80)
   * @param recoverCelsius stop shedding below this (75, the pool's drainCelsius)
   * @param treatThrottledAsHot shed load while the firmware throttles (true)
   * @param shedConnectionFraction fraction of maxConnections kept while shedding (0.25)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Thermal(
      String sysfsRoot,
      String vcgencmd,
      Integer pollIntervalSeconds,
      Double criticalCelsius,
      Double recoverCelsius,
      Boolean treatThrottledAsHot,
      Double shedConnectionFraction) {}

  /**
   * Serving mode source.
   *
   * @param watchPod watch the agent's own pod label pipool.io/serving (true in a cluster)
   * @param initial mode without a cluster or before the first label is seen: Serving or Standby
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Serving(Boolean watchPod, String initial) {}

  /**
   * Logging.
   *
   * @param json one JSON object per line, for log shippers (false)
   * @param level INFO, DEBUG, WARN (INFO)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Logging(Boolean json, String level) {}
}
