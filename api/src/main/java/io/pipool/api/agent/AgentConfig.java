package io.pipool.api.agent;

import static java.util.Objects.requireNonNullElse;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.api.v1alpha1.ThermalSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node agent's configuration, the one model of it: the agent.yaml file the operator renders
 * into the pool's ConfigMap, and what the agent runs with. Every field may be absent from the file;
 * the constructors fill in the defaults (constants here, or in {@link ServerSpec} and {@link
 * ThermalSpec} where the pool's spec shares them), so an instance is always complete. {@link
 * #problems()} checks the values; {@link AgentVariables} names the environment variable of each
 * field.
 *
 * @param node Kubernetes node name (usually from the downward API, env PIPOOL_NODE_NAME)
 * @param pod agent pod name (env PIPOOL_POD_NAME)
 * @param namespace agent pod namespace (env PIPOOL_POD_NAMESPACE)
 * @param server the traffic and admin servers
 * @param sysctls kernel tuning
 * @param thermal temperature reading and self-protection
 * @param serving how the agent learns whether it is in rotation
 * @param logging log level
 * @param shutdownGraceSeconds how long in-flight requests may take to finish on SIGTERM (20)
 * @param limitsFile where the open-file limit is read from (/proc/self/limits)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record AgentConfig(
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String node,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String pod,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String namespace,
    Server server,
    Sysctls sysctls,
    Thermal thermal,
    Serving serving,
    Logging logging,
    Integer shutdownGraceSeconds,
    @JsonSerialize(using = ToStringSerializer.class) Path limitsFile) {

  public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 20;
  public static final String DEFAULT_LIMITS_FILE = "/proc/self/limits";

  /** Fills in the defaults. */
  public AgentConfig {
    node = requireNonNullElse(node, "");
    pod = requireNonNullElse(pod, "");
    namespace = requireNonNullElse(namespace, "");
    server = requireNonNullElse(server, Server.DEFAULTS);
    sysctls = requireNonNullElse(sysctls, Sysctls.DEFAULTS);
    thermal = requireNonNullElse(thermal, Thermal.DEFAULTS);
    serving = requireNonNullElse(serving, Serving.DEFAULTS);
    logging = requireNonNullElse(logging, Logging.DEFAULTS);
    shutdownGraceSeconds = requireNonNullElse(shutdownGraceSeconds, DEFAULT_SHUTDOWN_GRACE_SECONDS);
    limitsFile = requireNonNullElse(limitsFile, Path.of(DEFAULT_LIMITS_FILE));
  }

  /** Every default. */
  public static final AgentConfig DEFAULTS =
      new AgentConfig(null, null, null, null, null, null, null, null, null, null);

  /**
   * Traffic and admin servers.
   *
   * @param host traffic bind address; absent: the pod's IP (PIPOOL_POD_IP, on the host network the
   *     node's own address) when set, else 0.0.0.0
   * @param port traffic port (8080; 0: any free port)
   * @param adminHost admin bind address; absent: the pod's IP (PIPOOL_POD_IP) when set, else
   *     0.0.0.0, which the agent fills in when it reads the file (it depends on the pod)
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
   * @param eventLoops traffic event loops; absent: one per available core
   * @param agentCheckPort HAProxy agent-check port; absent: off (0: any free port)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Server(
      String host,
      Integer port,
      String adminHost,
      Integer adminPort,
      ServerSpec.Mode mode,
      Integer echoBodyBytes,
      @JsonSerialize(using = ToStringSerializer.class) Path staticDir,
      URI upstream,
      Boolean compression,
      Boolean http2,
      Integer maxConnections,
      Integer idleTimeoutSeconds,
      Integer headerTimeoutSeconds,
      @JsonSerialize(using = ToStringSerializer.class) Path tlsCertFile,
      @JsonSerialize(using = ToStringSerializer.class) Path tlsKeyFile,
      Integer eventLoops,
      Integer agentCheckPort) {

    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final String DEFAULT_STATIC_DIR = "/srv/static";
    public static final int DEFAULT_HEADER_TIMEOUT_SECONDS = 10;

    /** Fills in the defaults. */
    public Server {
      host = requireNonNullElse(host, DEFAULT_HOST);
      port = requireNonNullElse(port, ServerSpec.DEFAULT_PORT);
      adminPort = requireNonNullElse(adminPort, ServerSpec.DEFAULT_ADMIN_PORT);
      mode = requireNonNullElse(mode, ServerSpec.Mode.Echo);
      echoBodyBytes = requireNonNullElse(echoBodyBytes, ServerSpec.DEFAULT_ECHO_BODY_BYTES);
      staticDir = requireNonNullElse(staticDir, Path.of(DEFAULT_STATIC_DIR));
      compression = requireNonNullElse(compression, true);
      http2 = requireNonNullElse(http2, true);
      maxConnections = requireNonNullElse(maxConnections, ServerSpec.DEFAULT_MAX_CONNECTIONS);
      idleTimeoutSeconds =
          requireNonNullElse(idleTimeoutSeconds, ServerSpec.DEFAULT_IDLE_TIMEOUT_SECONDS);
      headerTimeoutSeconds =
          requireNonNullElse(headerTimeoutSeconds, DEFAULT_HEADER_TIMEOUT_SECONDS);
    }

    static final Server DEFAULTS =
        new Server(
            null, null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null);

    /** True when a certificate and key are configured. */
    public boolean tls() {
      return tlsCertFile != null && tlsKeyFile != null;
    }

    /** True when the agent-check listener should run. */
    public boolean agentCheck() {
      return agentCheckPort != null;
    }

    /** The traffic event loops to run: {@link #eventLoops}, or one per available core. */
    public int eventLoopCount() {
      return eventLoops != null ? eventLoops : Runtime.getRuntime().availableProcessors();
    }
  }

  /**
   * Kernel tuning.
   *
   * @param procRoot root of the sysctl tree (/proc/sys); the init container mounts the host's
   * @param stateFile where the originals are saved (/var/lib/pi-pool/sysctl-originals.json)
   * @param values desired sysctls, dotted names to values, in order (the high-concurrency profile)
   * @param checkIntervalSeconds how often the serving process re-reads them for drift (30)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Sysctls(
      @JsonSerialize(using = ToStringSerializer.class) Path procRoot,
      @JsonSerialize(using = ToStringSerializer.class) Path stateFile,
      Map<String, String> values,
      Integer checkIntervalSeconds) {

    public static final String DEFAULT_PROC_ROOT = "/proc/sys";

    /** The folder of the state file; the operator mounts it from the host, so it survives pods. */
    public static final String DEFAULT_STATE_DIR = "/var/lib/pi-pool";

    public static final String DEFAULT_STATE_FILE = DEFAULT_STATE_DIR + "/sysctl-originals.json";
    public static final int DEFAULT_CHECK_INTERVAL_SECONDS = 30;

    /** Fills in the defaults; values keep their order, trimmed. */
    public Sysctls {
      procRoot = requireNonNullElse(procRoot, Path.of(DEFAULT_PROC_ROOT));
      stateFile = requireNonNullElse(stateFile, Path.of(DEFAULT_STATE_FILE));
      Map<String, String> trimmed = new LinkedHashMap<>();
      requireNonNullElse(values, SysctlRules.HIGH_CONCURRENCY)
          .forEach((k, v) -> trimmed.put(k, v == null ? "" : v.trim()));
      values = Collections.unmodifiableMap(trimmed);
      checkIntervalSeconds =
          requireNonNullElse(checkIntervalSeconds, DEFAULT_CHECK_INTERVAL_SECONDS);
    }

    static final Sysctls DEFAULTS = new Sysctls(null, null, null, null);
  }

  /**
   * Temperature and throttling.
   *
   * @param sysfsRoot root under which class/thermal lives (/sys)
   * @param vcgencmd the vcgencmd binary (/usr/bin/vcgencmd); throttle flags are skipped without it
   * @param pollIntervalSeconds how often to read the sensor (2)
   * @param criticalCelsius shed load at or above this (80, the pool's criticalCelsius)
   * @param recoverCelsius stop shedding below this (75, the pool's drainCelsius)
   * @param treatThrottledAsHot shed load while the firmware throttles (true)
   * @param shedConnectionFraction fraction of maxConnections kept while shedding (0.25)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Thermal(
      @JsonSerialize(using = ToStringSerializer.class) Path sysfsRoot,
      @JsonSerialize(using = ToStringSerializer.class) Path vcgencmd,
      Integer pollIntervalSeconds,
      Double criticalCelsius,
      Double recoverCelsius,
      Boolean treatThrottledAsHot,
      Double shedConnectionFraction) {

    public static final String DEFAULT_SYSFS_ROOT = "/sys";
    public static final String DEFAULT_VCGENCMD = "/usr/bin/vcgencmd";
    public static final int DEFAULT_POLL_INTERVAL_SECONDS = 2;
    public static final double DEFAULT_SHED_CONNECTION_FRACTION = 0.25;

    /** Fills in the defaults. */
    public Thermal {
      sysfsRoot = requireNonNullElse(sysfsRoot, Path.of(DEFAULT_SYSFS_ROOT));
      vcgencmd = requireNonNullElse(vcgencmd, Path.of(DEFAULT_VCGENCMD));
      pollIntervalSeconds = requireNonNullElse(pollIntervalSeconds, DEFAULT_POLL_INTERVAL_SECONDS);
      criticalCelsius =
          requireNonNullElse(criticalCelsius, (double) ThermalSpec.DEFAULT_CRITICAL_CELSIUS);
      recoverCelsius =
          requireNonNullElse(recoverCelsius, (double) ThermalSpec.DEFAULT_DRAIN_CELSIUS);
      treatThrottledAsHot = requireNonNullElse(treatThrottledAsHot, true);
      shedConnectionFraction =
          requireNonNullElse(shedConnectionFraction, DEFAULT_SHED_CONNECTION_FRACTION);
    }

    static final Thermal DEFAULTS = new Thermal(null, null, null, null, null, null, null);
  }

  /**
   * Serving mode source.
   *
   * @param watchPod watch the agent's own pod label pipool.io/serving (true in a cluster)
   * @param initial mode without a cluster or before the first label is seen (Serving)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Serving(Boolean watchPod, Initial initial) {

    /** Whether the agent starts in rotation. */
    public enum Initial {
      Serving,
      Standby
    }

    /** Fills in the defaults. */
    public Serving {
      watchPod = requireNonNullElse(watchPod, true);
      initial = requireNonNullElse(initial, Initial.Serving);
    }

    static final Serving DEFAULTS = new Serving(null, null);
  }

  /**
   * Logging: plain lines on stderr (time, level, logger, message).
   *
   * @param json accepted for older files; lines are plain whatever it says (false)
   * @param level DEBUG, INFO, WARN or ERROR (INFO)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Logging(Boolean json, Level level) {

    /** Log levels, as slf4j names them. */
    public enum Level {
      DEBUG,
      INFO,
      WARN,
      ERROR
    }

    /** Fills in the defaults. */
    public Logging {
      json = requireNonNullElse(json, false);
      level = requireNonNullElse(level, Level.INFO);
    }

    static final Logging DEFAULTS = new Logging(null, null);
  }

  /**
   * Every value out of range or inconsistent, each naming the field and what is allowed; empty when
   * the configuration is valid. Type errors (a word where a number belongs, an unknown mode) are
   * caught when the file is read.
   */
  public List<String> problems() {
    return AgentConfigRules.check(this);
  }
}
