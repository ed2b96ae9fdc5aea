package io.pipool.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * The agent's resolved configuration: every default applied, every value validated. Built by {@link
 * SettingsFactory} from an {@code AgentConfig} and an environment map.
 *
 * @param node Kubernetes node name (may be empty outside a cluster)
 * @param pod agent pod name (may be empty outside a cluster)
 * @param namespace agent pod namespace (may be empty outside a cluster)
 * @param server traffic and admin servers
 * @param sysctl kernel tuning
 * @param thermal temperature and self-protection
 * @param watchPod watch the own pod's serving label when a cluster is reachable
 * @param initialServing serving before the first label is seen, or always without a cluster
 * @param jsonLogs one JSON object per log line
 * @param logLevel INFO, DEBUG, WARN or ERROR
 * @param shutdownGraceSeconds time in-flight requests get on shutdown
 * @param limitsFile where the open-file limit is read from (/proc/self/limits)
 */
public record AgentSettings(
    String node,
    String pod,
    String namespace,
    Server server,
    Sysctl sysctl,
    Thermal thermal,
    boolean watchPod,
    boolean initialServing,
    boolean jsonLogs,
    String logLevel,
    int shutdownGraceSeconds,
    Path limitsFile) {

  /** What the traffic port does with a request. */
  public enum Mode {
    Echo,
    Static,
    Proxy
  }

  /**
   * Traffic and admin servers.
   *
   * @param host traffic bind address
   * @param port traffic port (0: any free port)
   * @param adminHost admin bind address
   * @param adminPort admin port (0: any free port)
   * @param mode Echo, Static or Proxy
   * @param echoBodyBytes Echo body size
   * @param staticDir folder served in Static mode
   * @param upstream upstream base URL in Proxy mode, null otherwise
   * @param compression gzip compressible responses
   * @param http2 offer h2c, and h2 via ALPN with TLS
   * @param maxConnections concurrent connection cap
   * @param idleTimeoutSeconds idle keep-alive timeout
   * @param headerTimeoutSeconds time a new connection has to send its first request head
   * @param tlsCertFile PEM certificate, null without TLS
   * @param tlsKeyFile PEM key, null without TLS
   * @param eventLoops traffic event loops (verticle instances)
   * @param agentCheckPort HAProxy agent-check port, {@link #AGENT_CHECK_OFF} when off (0: any free
   *     port)
   */
  public record Server(
      String host,
      int port,
      String adminHost,
      int adminPort,
      Mode mode,
      int echoBodyBytes,
      Path staticDir,
      URI upstream,
      boolean compression,
      boolean http2,
      int maxConnections,
      int idleTimeoutSeconds,
      int headerTimeoutSeconds,
      Path tlsCertFile,
      Path tlsKeyFile,
      int eventLoops,
      int agentCheckPort) {

    /** The agent-check port value that means: no agent-check listener. */
    public static final int AGENT_CHECK_OFF = -1;

    /** True when the agent-check listener should run. */
    public boolean agentCheck() {
      return agentCheckPort != AGENT_CHECK_OFF;
    }

    /** True when a certificate and key are configured. */
    public boolean tls() {
      return tlsCertFile != null && tlsKeyFile != null;
    }
  }

  /**
   * Kernel tuning.
   *
   * @param procRoot root of the sysctl tree
   * @param stateFile where the originals are saved
   * @param values desired values, dotted names to values, in order
   * @param checkIntervalSeconds drift check period
   */
  public record Sysctl(
      Path procRoot, Path stateFile, Map<String, String> values, int checkIntervalSeconds) {}

  /**
   * Temperature and self-protection.
   *
   * @param sysfsRoot root under which class/thermal lives
   * @param vcgencmd the vcgencmd binary (skipped when missing)
   * @param pollIntervalSeconds sensor poll period
   * @param criticalCelsius shed at or above this
   * @param recoverCelsius stop shedding below this
   * @param treatThrottledAsHot shed while the firmware throttles
   * @param shedConnectionFraction fraction of maxConnections kept while shedding
   */
  public record Thermal(
      Path sysfsRoot,
      Path vcgencmd,
      int pollIntervalSeconds,
      double criticalCelsius,
      double recoverCelsius,
      boolean treatThrottledAsHot,
      double shedConnectionFraction) {}

  /** The same settings bound to other addresses and ports, as the simulator needs per node. */
  public AgentSettings withBind(String host, int port, int adminPort) {
    Server s = server;
    return withServer(
        new Server(
            host,
            port,
            host,
            adminPort,
            s.mode,
            s.echoBodyBytes,
            s.staticDir,
            s.upstream,
            s.compression,
            s.http2,
            s.maxConnections,
            s.idleTimeoutSeconds,
            s.headerTimeoutSeconds,
            s.tlsCertFile,
            s.tlsKeyFile,
            s.eventLoops,
            s.agentCheckPort));
  }

  /** The same settings with other server settings. */
  public AgentSettings withServer(Server newServer) {
    return new AgentSettings(
        node,
        pod,
        namespace,
        newServer,
        sysctl,
        thermal,
        watchPod,
        initialServing,
        jsonLogs,
        logLevel,
        shutdownGraceSeconds,
        limitsFile);
  }

  /** The same settings with another procfs root and state file. */
  public AgentSettings withSysctlFiles(Path procRoot, Path stateFile) {
    return new AgentSettings(
        node,
        pod,
        namespace,
        server,
        new Sysctl(procRoot, stateFile, sysctl.values, sysctl.checkIntervalSeconds),
        thermal,
        watchPod,
        initialServing,
        jsonLogs,
        logLevel,
        shutdownGraceSeconds,
        limitsFile);
  }

  /** The same settings with another sysfs root. */
  public AgentSettings withSysfsRoot(Path sysfsRoot) {
    Thermal t = thermal;
    return new AgentSettings(
        node,
        pod,
        namespace,
        server,
        sysctl,
        new Thermal(
            sysfsRoot,
            t.vcgencmd,
            t.pollIntervalSeconds,
            t.criticalCelsius,
            t.recoverCelsius,
            t.treatThrottledAsHot,
            t.shedConnectionFraction),
        watchPod,
        initialServing,
        jsonLogs,
        logLevel,
        shutdownGraceSeconds,
        limitsFile);
  }
}
