package io.pipool.agent.config;

import io.pipool.api.agent.AgentConfig;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.ServerSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link AgentSettings}: lays the environment over agent.yaml, applies the defaults
 * documented on {@code AgentConfig}, and validates every value, reporting all problems at once.
 */
public final class SettingsFactory {

  /** Where the open-file limit is read; {@code PIPOOL_LIMITSFILE} replaces it (tests). */
  public static final String LIMITS_FILE_VARIABLE = "PIPOOL_LIMITSFILE";

  /**
   * The pod's IP (downward API {@code status.podIP}); the admin port binds to it unless {@code
   * server.adminHost} says otherwise, so it is reachable by the kubelet, the operator and
   * Prometheus but not on every interface of a host-network node.
   */
  public static final String POD_IP_VARIABLE = "PIPOOL_POD_IP";

  private SettingsFactory() {}

  /** Resolves the file's configuration with the given environment (or overrides). */
  public static AgentSettings fromConfig(AgentConfig file, Map<String, String> env) {
    return resolve(ConfigLoader.overlay(file, env), env);
  }

  /** Applies defaults and validates; {@code env} only supplies the limits-file override. */
  static AgentSettings resolve(AgentConfig c, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    AgentConfig.Server s = Objects.requireNonNullElse(c.server(), emptyServer());
    AgentConfig.Sysctls y =
        Objects.requireNonNullElse(c.sysctls(), new AgentConfig.Sysctls(null, null, null, null));
    AgentConfig.Thermal t =
        Objects.requireNonNullElse(
            c.thermal(), new AgentConfig.Thermal(null, null, null, null, null, null, null));
    AgentConfig.Serving v =
        Objects.requireNonNullElse(c.serving(), new AgentConfig.Serving(null, null));
    AgentConfig.Logging l =
        Objects.requireNonNullElse(c.logging(), new AgentConfig.Logging(null, null));

    AgentSettings.Mode mode =
        choice(
            problems, "server.mode", s.mode(), AgentSettings.Mode.class, AgentSettings.Mode.Echo);
    int port = range(problems, "server.port", s.port(), ServerSpec.DEFAULT_PORT, 0, 65535);
    int adminPort =
        range(problems, "server.adminPort", s.adminPort(), ServerSpec.DEFAULT_ADMIN_PORT, 0, 65535);
    if (port != 0 && port == adminPort) {
      problems.add("server.adminPort: must differ from server.port (" + port + ")");
    }
    Integer agentCheck = s.agentCheckPort();
    if (agentCheck != null && agentCheck != 0 && (agentCheck == port || agentCheck == adminPort)) {
      problems.add(
          "server.agentCheckPort: must differ from server.port and server.adminPort ("
              + agentCheck
              + ")");
    }
    URI upstream = mode == AgentSettings.Mode.Proxy ? upstream(problems, s.upstream()) : null;
    Path cert = path(s.tlsCertFile());
    Path key = path(s.tlsKeyFile());
    if ((cert == null) != (key == null)) {
      problems.add(
          "server.tlsCertFile and server.tlsKeyFile: set both (PEM files) for TLS, or neither");
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    AgentSettings.Server server =
        new AgentSettings.Server(
            text(s.host(), "0.0.0.0"),
            port,
            text(s.adminHost(), text(env.get(POD_IP_VARIABLE), "0.0.0.0")),
            adminPort,
            mode,
            range(problems, "server.echoBodyBytes", s.echoBodyBytes(), 1024, 0, 16 << 20),
            Path.of(text(s.staticDir(), "/srv/static")),
            upstream,
            bool(s.compression(), true),
            bool(s.http2(), true),
            range(problems, "server.maxConnections", s.maxConnections(), 4000, 1, 1_000_000),
            range(problems, "server.idleTimeoutSeconds", s.idleTimeoutSeconds(), 60, 1, 86_400),
            range(problems, "server.headerTimeoutSeconds", s.headerTimeoutSeconds(), 10, 1, 3600),
            cert,
            key,
            range(problems, "server.eventLoops", s.eventLoops(), cpus, 1, 256),
            s.agentCheckPort() == null
                ? AgentSettings.Server.AGENT_CHECK_OFF
                : range(problems, "server.agentCheckPort", s.agentCheckPort(), 0, 0, 65535));

    Map<String, String> values = new LinkedHashMap<>();
    if (y.values() == null) {
      values.putAll(SysctlRules.HIGH_CONCURRENCY);
    } else {
      y.values().forEach((k, val) -> values.put(k, val == null ? "" : val.trim()));
    }
    AgentSettings.Sysctl sysctl =
        new AgentSettings.Sysctl(
            Path.of(text(y.procRoot(), "/proc/sys")),
            Path.of(text(y.stateFile(), "/var/lib/pi-pool/sysctl-originals.json")),
            java.util.Collections.unmodifiableMap(values),
            range(
                problems, "sysctls.checkIntervalSeconds", y.checkIntervalSeconds(), 30, 1, 86_400));

    double critical = celsius(problems, "thermal.criticalCelsius", t.criticalCelsius(), 80);
    double recover = celsius(problems, "thermal.recoverCelsius", t.recoverCelsius(), 75);
    if (recover >= critical) {
      problems.add(
          "thermal.recoverCelsius: must be below thermal.criticalCelsius ("
              + recover
              + " >= "
              + critical
              + ")");
    }
    double fraction = t.shedConnectionFraction() == null ? 0.25 : t.shedConnectionFraction();
    if (!(fraction > 0 && fraction <= 1)) {
      problems.add(
          "thermal.shedConnectionFraction: " + fraction + " is out of range; allowed is (0, 1]");
    }
    AgentSettings.Thermal thermal =
        new AgentSettings.Thermal(
            Path.of(text(t.sysfsRoot(), "/sys")),
            Path.of(text(t.vcgencmd(), "/usr/bin/vcgencmd")),
            range(problems, "thermal.pollIntervalSeconds", t.pollIntervalSeconds(), 2, 1, 3600),
            critical,
            recover,
            bool(t.treatThrottledAsHot(), true),
            fraction);

    String initial = text(v.initial(), "Serving");
    if (!initial.equalsIgnoreCase("Serving") && !initial.equalsIgnoreCase("Standby")) {
      problems.add(
          "serving.initial: \"" + initial + "\" is not allowed; allowed are Serving, Standby");
    }
    String level = text(l.level(), "INFO").toUpperCase(Locale.ROOT);
    if (!List.of("DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
      problems.add(
          "logging.level: \""
              + l.level()
              + "\" is not allowed; allowed are DEBUG, INFO, WARN, ERROR");
    }
    int grace = range(problems, "shutdownGraceSeconds", c.shutdownGraceSeconds(), 20, 0, 3600);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new AgentSettings(
        text(c.node(), ""),
        text(c.pod(), ""),
        text(c.namespace(), ""),
        server,
        sysctl,
        thermal,
        bool(v.watchPod(), true),
        initial.equalsIgnoreCase("Serving"),
        bool(l.json(), false),
        level,
        grace,
        Path.of(env.getOrDefault(LIMITS_FILE_VARIABLE, "/proc/self/limits")));
  }

  private static AgentConfig.Server emptyServer() {
    return new AgentConfig.Server(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }

  private static <E extends Enum<E>> E choice(
      List<String> problems, String field, String value, Class<E> type, E dflt) {
    if (value == null || value.isBlank()) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value.trim())) {
        return e;
      }
    }
    problems.add(
        field
            + ": \""
            + value
            + "\" is not allowed; allowed are "
            + String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList())
            + " (env "
            + EnvMapping.variableFor(field)
            + ")");
    return dflt;
  }

  private static int range(
      List<String> problems, String field, Integer value, int dflt, int min, int max) {
    int v = value == null ? dflt : value;
    if (v < min || v > max) {
      problems.add(
          field
              + ": "
              + v
              + " is out of range; allowed is "
              + min
              + " to "
              + max
              + " (env "
              + EnvMapping.variableFor(field)
              + ")");
      return dflt;
    }
    return v;
  }

  private static double celsius(List<String> problems, String field, Double value, double dflt) {
    double v = value == null ? dflt : value;
    if (!(v >= 20 && v <= 120)) {
      problems.add(field + ": " + v + " is out of range; allowed is 20 to 120 degrees Celsius");
      return dflt;
    }
    return v;
  }

  private static URI upstream(List<String> problems, String value) {
    String field = "server.upstream";
    if (value == null || value.isBlank()) {
      problems.add(field + ": required in Proxy mode, for example http://127.0.0.1:8081");
      return null;
    }
    try {
      URI u = new URI(value.trim());
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    problems.add(
        field
            + ": \""
            + value
            + "\" is not allowed; allowed is http://host[:port][/path] or https://...");
    return null;
  }

  private static Path path(String value) {
    return value == null || value.isBlank() ? null : Path.of(value.trim());
  }

  private static String text(String value, String dflt) {
    return value == null || value.isBlank() ? dflt : value.trim();
  }

  private static boolean bool(Boolean value, boolean dflt) {
    return value == null ? dflt : value;
  }
}
