package io.pipool.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** How each node's agent serves traffic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode != 'Proxy' || has(self.upstream)",
    message = "upstream is required when mode is Proxy",
    fieldPath = ".upstream")
@ValidationRule(
    value = "self.mode != 'Static' || has(self.staticConfigMap)",
    message = "staticConfigMap is required when mode is Static",
    fieldPath = ".staticConfigMap")
@ValidationRule(
    value = "self.port != self.adminPort",
    message = "port and adminPort must differ",
    fieldPath = ".adminPort")
public class ServerSpec {

  /** The traffic port when spec.server.port is not given. */
  public static final int DEFAULT_PORT = 8080;

  /**
   * The admin port (/healthz, /readyz, /metrics, /v1/status) when spec.server.adminPort is not
   * given.
   */
  public static final int DEFAULT_ADMIN_PORT = 9090;

  /** The Echo body size when spec.server.echoBodyBytes is not given. */
  public static final int DEFAULT_ECHO_BODY_BYTES = 1024;

  /** The per-node connection cap when spec.server.maxConnections is not given. */
  public static final int DEFAULT_MAX_CONNECTIONS = 4000;

  /** The idle keep-alive timeout when spec.server.idleTimeoutSeconds is not given. */
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;

  /** What the traffic port answers with. */
  public enum Mode {
    Static,
    Echo,
    Proxy
  }

  @JsonPropertyDescription(
      "Traffic port the agent listens on, on the node's own address (host network).")
  @Min(1)
  @Max(65535)
  @Default("" + DEFAULT_PORT)
  private Integer port = DEFAULT_PORT;

  @JsonPropertyDescription(
      "Admin port for /healthz, /readyz, /metrics and /v1/status (read-only, never proxied).")
  @Min(1)
  @Max(65535)
  @Default("" + DEFAULT_ADMIN_PORT)
  private Integer adminPort = DEFAULT_ADMIN_PORT;

  @JsonPropertyDescription(
      "Static serves files from staticConfigMap; Echo answers every request with a fixed body"
          + " (for load tests); Proxy forwards to upstream like nginx's proxy_pass.")
  @Default("Echo")
  private Mode mode = Mode.Echo;

  @JsonPropertyDescription(
      "Upstream base URL for Proxy mode, for example http://backend.default.svc:8080."
          + " Required when mode is Proxy.")
  @Pattern("^https?://[^\\s/]+(/\\S*)?$")
  private String upstream;

  @JsonPropertyDescription(
      "Name of a ConfigMap in the pool's namespace whose keys are served as files in Static"
          + " mode. Required when mode is Static.")
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String staticConfigMap;

  @JsonPropertyDescription("Size in bytes of the body Echo mode answers with.")
  @Min(0)
  @Max(1048576)
  @Default("" + DEFAULT_ECHO_BODY_BYTES)
  private Integer echoBodyBytes = DEFAULT_ECHO_BODY_BYTES;

  @JsonPropertyDescription("Gzip compressible responses when the client accepts it.")
  @Default("true")
  private Boolean compression = true;

  @JsonPropertyDescription(
      "Offer HTTP/2: h2c (cleartext, prior knowledge or upgrade) and h2 over TLS via ALPN.")
  @Default("true")
  private Boolean http2 = true;

  @JsonPropertyDescription(
      "Most concurrent connections one node accepts; past it a connection gets 503 with"
          + " Retry-After and is closed. The headline figure for a Raspberry Pi 4 is 4000.")
  @Min(1)
  @Max(1000000)
  @Default("" + DEFAULT_MAX_CONNECTIONS)
  private Integer maxConnections = DEFAULT_MAX_CONNECTIONS;

  @JsonPropertyDescription("Seconds a keep-alive connection may stay idle before it is closed.")
  @Min(1)
  @Max(3600)
  @Default("" + DEFAULT_IDLE_TIMEOUT_SECONDS)
  private Integer idleTimeoutSeconds = DEFAULT_IDLE_TIMEOUT_SECONDS;

  @JsonPropertyDescription(
      "Name of a kubernetes.io/tls Secret; when set the traffic port speaks TLS (and h2 via"
          + " ALPN).")
  @Pattern("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")
  private String tlsSecret;

  @JsonPropertyDescription(
      "Port on which the agent speaks HAProxy's agent-check protocol: every connection gets one"
          + " line (for example 'up ready 60%', 'up drain', 'down') with a weight that falls as the"
          + " node nears thermal.drainCelsius or maxConnections, then is closed. Unset: off. The"
          + " operator's <pool>-frontend ConfigMap points HAProxy's agent-port here.")
  @Min(1)
  @Max(65535)
  private Integer agentCheckPort;

  /** How the published HAProxy backend carries traffic to the nodes. */
  public enum FrontMode {
    /** HAProxy parses HTTP and reuses its connections: agents see few, scale on requests. */
    Http,
    /** HAProxy relays each client connection as it is: agents see every client connection. */
    Tcp
  }

  @JsonPropertyDescription(
      "Mode of the HAProxy backend in the operator's <pool>-frontend ConfigMap. Http (default):"
          + " HAProxy reuses a few connections per node, so scale on RequestsPerSecond. Tcp: one"
          + " node connection per client connection (balance leastconn, TLS passed through), so"
          + " the Connections metric sees what clients hold; suits long-lived connections.")
  @Default("Http")
  private FrontMode frontMode = FrontMode.Http;

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getAdminPort() {
    return adminPort;
  }

  public void setAdminPort(Integer adminPort) {
    this.adminPort = adminPort;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public String getUpstream() {
    return upstream;
  }

  public void setUpstream(String upstream) {
    this.upstream = upstream;
  }

  public String getStaticConfigMap() {
    return staticConfigMap;
  }

  public void setStaticConfigMap(String staticConfigMap) {
    this.staticConfigMap = staticConfigMap;
  }

  public Integer getEchoBodyBytes() {
    return echoBodyBytes;
  }

  public void setEchoBodyBytes(Integer echoBodyBytes) {
    this.echoBodyBytes = echoBodyBytes;
  }

  public Boolean getCompression() {
    return compression;
  }

  public void setCompression(Boolean compression) {
    this.compression = compression;
  }

  public Boolean getHttp2() {
    return http2;
  }

  public void setHttp2(Boolean http2) {
    this.http2 = http2;
  }

  public Integer getMaxConnections() {
    return maxConnections;
  }

  public void setMaxConnections(Integer maxConnections) {
    this.maxConnections = maxConnections;
  }

  public Integer getIdleTimeoutSeconds() {
    return idleTimeoutSeconds;
  }

  public void setIdleTimeoutSeconds(Integer idleTimeoutSeconds) {
    this.idleTimeoutSeconds = idleTimeoutSeconds;
  }

  public String getTlsSecret() {
    return tlsSecret;
  }

  public void setTlsSecret(String tlsSecret) {
    this.tlsSecret = tlsSecret;
  }

  public FrontMode getFrontMode() {
    return frontMode;
  }

  public void setFrontMode(FrontMode frontMode) {
    this.frontMode = frontMode;
  }

  public Integer getAgentCheckPort() {
    return agentCheckPort;
  }

  public void setAgentCheckPort(Integer agentCheckPort) {
    this.agentCheckPort = agentCheckPort;
  }
}
