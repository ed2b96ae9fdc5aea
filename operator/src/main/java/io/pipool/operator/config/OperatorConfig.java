package io.pipool.operator.config;

import io.pipool.api.v1alpha1.Defaults;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The operator's settings, built from the environment by {@link #fromEnv(Map)}.
 *
 * @param watchNamespaces namespaces to watch; empty means all namespaces
 * @param defaultAgentImage agent image used when a pool does not set spec.image
 * @param pollTimeout how long one agent's /v1/status may take before the node is Unreachable
 * @param defaultPollInterval poll interval when a pool's spec leaves it unset
 * @param leaderElection whether to take a Lease before reconciling
 * @param leaseName name of the Lease
 * @param leaseNamespace namespace of the Lease; null lets the SDK use the operator's own namespace
 * @param httpPort port of /metrics, /healthz and /readyz; 0 picks a free port, -1 turns it off
 * @param restoreTimeout how long deletion waits for the sysctl restore Jobs
 * @param restoreCheckInterval how often deletion looks at the restore Jobs again
 * @param serverSideApply let the SDK patch the pool's status with server-side apply (production);
 *     off only for API servers without it (the Fabric8 mock server)
 * @param instance this operator replica's name, reported as the Events' reportingInstance
 */
public record OperatorConfig(
    Set<String> watchNamespaces,
    String defaultAgentImage,
    Duration pollTimeout,
    Duration defaultPollInterval,
    boolean leaderElection,
    String leaseName,
    String leaseNamespace,
    int httpPort,
    Duration restoreTimeout,
    Duration restoreCheckInterval,
    boolean serverSideApply,
    String instance) {

  public static final String WATCH_NAMESPACES = "PIPOOL_WATCH_NAMESPACES";
  public static final String AGENT_IMAGE = "PIPOOL_AGENT_IMAGE";
  public static final String POLL_TIMEOUT_MS = "PIPOOL_POLL_TIMEOUT_MS";
  public static final String DEFAULT_POLL_INTERVAL_SECONDS = "PIPOOL_DEFAULT_POLL_INTERVAL_SECONDS";
  public static final String LEADER_ELECTION = "PIPOOL_LEADER_ELECTION";
  public static final String LEASE_NAME = "PIPOOL_LEASE_NAME";
  public static final String LEASE_NAMESPACE = "PIPOOL_LEASE_NAMESPACE";
  public static final String HTTP_PORT = "PIPOOL_HTTP_PORT";
  public static final String RESTORE_TIMEOUT_SECONDS = "PIPOOL_RESTORE_TIMEOUT_SECONDS";
  public static final String RESTORE_CHECK_SECONDS = "PIPOOL_RESTORE_CHECK_SECONDS";
  public static final String SERVER_SIDE_APPLY = "PIPOOL_SERVER_SIDE_APPLY";
  public static final String POD_NAME = "PIPOOL_POD_NAME";

  /** The operator's version, from the build; the default agent image carries the same tag. */
  public static final String VERSION = readVersion();

  /** Settings from environment variables; unset or empty variables take the defaults. */
  public static OperatorConfig fromEnv(Map<String, String> env) {
    String namespaces = get(env, WATCH_NAMESPACES, "");
    Set<String> watch =
        Arrays.stream(namespaces.split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    String image = get(env, AGENT_IMAGE, "pipool/node-agent:" + VERSION);
    if (image.matches(".*\\s.*")) {
      throw new IllegalArgumentException(
          AGENT_IMAGE
              + "=\""
              + image
              + "\" is invalid: allowed is an image reference without spaces");
    }
    return new OperatorConfig(
        watch,
        image,
        Duration.ofMillis(number(env, POLL_TIMEOUT_MS, 1500, 50, 60_000)),
        Duration.ofSeconds(
            number(
                env,
                DEFAULT_POLL_INTERVAL_SECONDS,
                Defaults.POLL_INTERVAL_SECONDS,
                1,
                Defaults.MAX_POLL_INTERVAL_SECONDS)),
        bool(env, LEADER_ELECTION, true),
        get(env, LEASE_NAME, "pi-pool-operator-lease"),
        env.getOrDefault(LEASE_NAMESPACE, "").isBlank() ? null : env.get(LEASE_NAMESPACE).trim(),
        (int) number(env, HTTP_PORT, 8080, -1, 65535),
        Duration.ofSeconds(number(env, RESTORE_TIMEOUT_SECONDS, 120, 1, 86_400)),
        Duration.ofSeconds(number(env, RESTORE_CHECK_SECONDS, 5, 1, 600)),
        bool(env, SERVER_SIDE_APPLY, true),
        get(env, POD_NAME, get(env, "HOSTNAME", "pi-pool-operator")));
  }

  /** True when every namespace is watched. */
  public boolean watchAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  private static String get(Map<String, String> env, String key, String fallback) {
    String v = env.get(key);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  private static long number(
      Map<String, String> env, String key, long fallback, long min, long max) {
    String v = get(env, key, null);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    throw new IllegalArgumentException(
        key + "=\"" + v + "\" is invalid: allowed are whole numbers from " + min + " to " + max);
  }

  private static boolean bool(Map<String, String> env, String key, boolean fallback) {
    String v = get(env, key, null);
    if (v == null) {
      return fallback;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              key + "=\"" + v + "\" is invalid: allowed values are true or false");
    };
  }

  private static String readVersion() {
    try (InputStream in =
        OperatorConfig.class.getResourceAsStream("/pi-pool-operator.properties")) {
      if (in == null) {
        return "latest";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "latest");
      return v.startsWith("${") ? "latest" : v;
    } catch (IOException e) {
      return "latest";
    }
  }
}
