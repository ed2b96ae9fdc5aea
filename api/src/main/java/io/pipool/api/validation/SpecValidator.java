package io.pipool.api.validation;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.AutoscalingSpec;
import io.pipool.api.v1alpha1.Defaults;
import io.pipool.api.v1alpha1.MetricSpec;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.api.v1alpha1.ServiceSpec;
import io.pipool.api.v1alpha1.SysctlSpec;
import io.pipool.api.v1alpha1.ThermalSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Semantic validation of a PiServerPool spec, in code, because the operator cannot count on every
 * API server enforcing the CRD's CEL rules. Returns every violation, not just the first.
 */
public final class SpecValidator {

  private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
  private static final Pattern URL = Pattern.compile("https?://[^\\s/]+(/\\S*)?");
  private static final Pattern LABEL_KEY =
      Pattern.compile(
          "([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
  private static final Pattern LABEL_VALUE =
      Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

  private final List<Violation> out = new ArrayList<>();

  private SpecValidator() {}

  /** Every violation in the spec; empty when it is valid. */
  public static List<Violation> validate(PiServerPoolSpec spec) {
    SpecValidator v = new SpecValidator();
    if (spec == null) {
      v.add("spec", null, "an object (the pool's spec is required)");
      return v.out;
    }
    v.checkTopLevel(spec);
    v.checkServer(spec.getServer() == null ? new ServerSpec() : spec.getServer());
    v.checkSysctls(spec.getSysctls() == null ? new SysctlSpec() : spec.getSysctls());
    v.checkEphemeral(spec);
    v.checkThermal(spec.getThermal() == null ? new ThermalSpec() : spec.getThermal());
    v.checkAutoscaling(
        spec.getAutoscaling() == null ? new AutoscalingSpec() : spec.getAutoscaling());
    v.checkService(spec.getService() == null ? new ServiceSpec() : spec.getService());
    // a value that could not be read is reported as written, not as the default that replaced it
    List<Violation> unread = spec.getParseViolations();
    Set<String> unreadPaths = unread.stream().map(Violation::path).collect(Collectors.toSet());
    List<Violation> all = new ArrayList<>(unread);
    v.out.stream().filter(x -> !unreadPaths.contains(x.path())).forEach(all::add);
    return List.copyOf(all);
  }

  private void checkTopLevel(PiServerPoolSpec spec) {
    if (spec.getNodeSelector() != null) {
      spec.getNodeSelector()
          .forEach(
              (k, val) -> {
                if (k == null || k.length() > 316 || !LABEL_KEY.matcher(k).matches()) {
                  add("spec.nodeSelector", k, "label keys like kubernetes.io/arch or pi-role");
                }
                if (val == null || val.length() > 63 || !LABEL_VALUE.matcher(val).matches()) {
                  add(
                      "spec.nodeSelector[" + k + "]",
                      val,
                      "label values of at most 63 letters, digits, '-', '_' or '.'");
                }
              });
    }
    if (spec.getImage() != null
        && (spec.getImage().isBlank() || spec.getImage().matches(".*\\s.*"))) {
      add("spec.image", spec.getImage(), "an image reference without spaces, or unset");
    }
    range("spec.replicas", spec.getReplicas(), 0, Integer.MAX_VALUE);
  }

  private void checkServer(ServerSpec s) {
    schemaRange("spec.server.port", s.getPort(), ServerSpec.class);
    schemaRange("spec.server.adminPort", s.getAdminPort(), ServerSpec.class);
    if (s.getPort() != null && s.getPort().equals(s.getAdminPort())) {
      add("spec.server.adminPort", s.getAdminPort(), "a port different from spec.server.port");
    }
    schemaRange("spec.server.echoBodyBytes", s.getEchoBodyBytes(), ServerSpec.class);
    schemaRange("spec.server.maxConnections", s.getMaxConnections(), ServerSpec.class);
    schemaRange("spec.server.idleTimeoutSeconds", s.getIdleTimeoutSeconds(), ServerSpec.class);
    schemaRange("spec.server.agentCheckPort", s.getAgentCheckPort(), ServerSpec.class);
    ServerSpec.Mode mode = s.getMode() == null ? ServerSpec.Mode.Echo : s.getMode();
    if (s.getUpstream() != null && !URL.matcher(s.getUpstream()).matches()) {
      add("spec.server.upstream", s.getUpstream(), "an http:// or https:// URL");
    }
    if (mode == ServerSpec.Mode.Proxy && s.getUpstream() == null) {
      add(
          "spec.server.upstream",
          null,
          "an http:// or https:// URL (required when spec.server.mode is Proxy)");
    }
    if (s.getStaticConfigMap() != null && !DNS_NAME.matcher(s.getStaticConfigMap()).matches()) {
      add("spec.server.staticConfigMap", s.getStaticConfigMap(), "a ConfigMap name (DNS-1123)");
    }
    if (mode == ServerSpec.Mode.Static && s.getStaticConfigMap() == null) {
      add(
          "spec.server.staticConfigMap",
          null,
          "a ConfigMap name (required when spec.server.mode is Static)");
    }
    if (s.getTlsSecret() != null && !DNS_NAME.matcher(s.getTlsSecret()).matches()) {
      add("spec.server.tlsSecret", s.getTlsSecret(), "a Secret name (DNS-1123)");
    }
  }

  /**
   * A pool that sets net.ipv4.ip_local_port_range has the agent reserve the pool's ports the range
   * covers; one that leaves the node's range alone reserves nothing, so its ports must stay out of
   * the kernel's default ephemeral range, or an outgoing connection can take one first.
   */
  private void checkEphemeral(PiServerPoolSpec spec) {
    if (SysctlRules.desired(spec.getSysctls()).containsKey(SysctlRules.PORT_RANGE)) {
      return;
    }
    ServerSpec s = spec.getServer() == null ? new ServerSpec() : spec.getServer();
    Map<String, Integer> ports = new java.util.LinkedHashMap<>();
    ports.put("spec.server.port", s.getPort());
    ports.put("spec.server.adminPort", s.getAdminPort());
    ports.put("spec.server.agentCheckPort", s.getAgentCheckPort());
    ports.forEach(
        (path, p) -> {
          if (p != null
              && p >= SysctlRules.KERNEL_EPHEMERAL_LOW
              && p <= SysctlRules.KERNEL_EPHEMERAL_HIGH) {
            add(
                path,
                p,
                "a port outside the kernel's default ephemeral range "
                    + SysctlRules.KERNEL_EPHEMERAL_LOW
                    + "-"
                    + SysctlRules.KERNEL_EPHEMERAL_HIGH
                    + ", which this pool leaves unreserved; or set "
                    + SysctlRules.PORT_RANGE
                    + " (profile HighConcurrency or spec.sysctls.values), and the agent reserves"
                    + " the pool's ports in it");
          }
        });
  }

  private void checkSysctls(SysctlSpec s) {
    Map<String, String> values = s.getValues();
    if (values == null) {
      return;
    }
    if (values.size() > SysctlRules.MAX_VALUES) {
      addShown(
          "spec.sysctls.values",
          values.size() + " entries",
          "at most " + SysctlRules.MAX_VALUES + " sysctls");
    }
    values.forEach(
        (name, value) -> {
          if (!SysctlRules.allowed(name)) {
            // blame the name, not its value
            addShown(
                "spec.sysctls.values",
                "name " + Printable.quote(name),
                SysctlRules.ALLOWED + " (kernel.*, vm.* and other sysctls are refused)");
          } else {
            SysctlRules.valueProblem(name, value)
                .ifPresent(allowed -> add("spec.sysctls.values[" + name + "]", value, allowed));
          }
        });
  }

  private void checkThermal(ThermalSpec t) {
    schemaRange("spec.thermal.drainCelsius", t.getDrainCelsius(), ThermalSpec.class);
    schemaRange("spec.thermal.resumeCelsius", t.getResumeCelsius(), ThermalSpec.class);
    schemaRange("spec.thermal.criticalCelsius", t.getCriticalCelsius(), ThermalSpec.class);
    Double resume = t.getResumeCelsius();
    Double drain = t.getDrainCelsius();
    Double critical = t.getCriticalCelsius();
    if (resume != null && drain != null && resume >= drain) {
      add(
          "spec.thermal.resumeCelsius",
          resume,
          "a temperature below spec.thermal.drainCelsius (" + drain + ")");
    }
    if (drain != null && critical != null && drain >= critical) {
      add(
          "spec.thermal.drainCelsius",
          drain,
          "a temperature below spec.thermal.criticalCelsius (" + critical + ")");
    }
  }

  private void checkAutoscaling(AutoscalingSpec a) {
    range("spec.autoscaling.minReplicas", a.getMinReplicas(), 0, Integer.MAX_VALUE);
    if (a.getMaxReplicas() != null) {
      range("spec.autoscaling.maxReplicas", a.getMaxReplicas(), 1, Integer.MAX_VALUE);
      if (a.getMinReplicas() != null && a.getMinReplicas() > a.getMaxReplicas()) {
        add(
            "spec.autoscaling.minReplicas",
            a.getMinReplicas(),
            "at most spec.autoscaling.maxReplicas (" + a.getMaxReplicas() + ")");
      }
    }
    range(
        "spec.autoscaling.targetConnectionsPerReplica",
        a.getTargetConnectionsPerReplica(),
        1,
        Integer.MAX_VALUE);
    checkMetrics(a.getMetrics());
    range(
        "spec.autoscaling.pollIntervalSeconds",
        a.getPollIntervalSeconds(),
        1,
        Defaults.MAX_POLL_INTERVAL_SECONDS);
    range("spec.autoscaling.tolerance", a.getTolerance(), 0, 1);
    checkRules("spec.autoscaling.scaleUp", a.getScaleUp());
    checkRules("spec.autoscaling.scaleDown", a.getScaleDown());
  }

  private void checkMetrics(List<MetricSpec> metrics) {
    if (metrics == null) {
      return;
    }
    String types = "Connections or RequestsPerSecond";
    if (metrics.size() > Defaults.MAX_METRICS) {
      addShown(
          "spec.autoscaling.metrics",
          metrics.size() + " entries",
          "at most " + Defaults.MAX_METRICS + " metrics, one of each type (" + types + ")");
    }
    Set<MetricSpec.Type> seen = new HashSet<>();
    for (int i = 0; i < metrics.size(); i++) {
      MetricSpec m = metrics.get(i);
      String at = "spec.autoscaling.metrics[" + i + "]";
      if (m == null) {
        add(at, null, "an object with type and target");
        continue;
      }
      if (m.getType() == null) {
        add(at + ".type", null, types);
      } else if (!seen.add(m.getType())) {
        add(at + ".type", m.getType().name(), "a type not listed before (each metric once)");
      }
      required(at + ".target", m.getTarget(), 1, Integer.MAX_VALUE);
      range(at + ".tolerance", m.getTolerance(), 0, 1);
    }
  }

  private void checkRules(String path, ScalingRules rules) {
    if (rules == null) {
      return;
    }
    range(
        path + ".stabilizationWindowSeconds",
        rules.getStabilizationWindowSeconds(),
        0,
        Defaults.MAX_WINDOW_SECONDS);
    if (rules.getPolicies() == null) {
      return;
    }
    for (int i = 0; i < rules.getPolicies().size(); i++) {
      ScalingPolicy p = rules.getPolicies().get(i);
      String at = path + ".policies[" + i + "]";
      if (p == null) {
        add(at, null, "an object with type, value and periodSeconds");
        continue;
      }
      if (p.getType() == null) {
        add(at + ".type", null, "Pods or Percent");
      }
      required(at + ".value", p.getValue(), 1, Integer.MAX_VALUE);
      required(at + ".periodSeconds", p.getPeriodSeconds(), 1, Defaults.MAX_PERIOD_SECONDS);
    }
  }

  private void checkService(ServiceSpec s) {
    schemaRange("spec.service.port", s.getPort(), ServiceSpec.class);
    if (s.getNodePort() != null) {
      schemaRange("spec.service.nodePort", s.getNodePort(), ServiceSpec.class);
      if (s.getType() == null || s.getType() == ServiceSpec.Type.ClusterIP) {
        add(
            "spec.service.nodePort",
            s.getNodePort(),
            "unset unless spec.service.type is NodePort or LoadBalancer");
      }
    }
  }

  private void required(String path, Number value, double min, double max) {
    if (value == null) {
      add(path, null, allowedRange(min, max) + " (required)");
    } else {
      range(path, value, min, max);
    }
  }

  /**
   * {@link #range} with the bounds of the schema itself: the {@code @Min}/{@code @Max} of the field
   * of {@code type} named by the last segment of {@code path}, so a bound is written once.
   */
  private void schemaRange(String path, Number value, Class<?> type) {
    String name = path.substring(path.lastIndexOf('.') + 1);
    java.lang.reflect.Field field;
    try {
      field = type.getDeclaredField(name);
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(type.getSimpleName() + " has no field " + name, e);
    }
    Min low = field.getAnnotation(Min.class);
    Max high = field.getAnnotation(Max.class);
    double min = low == null ? -Double.MAX_VALUE : low.value();
    double max = high == null ? Integer.MAX_VALUE : high.value();
    range(path, value, min, max);
  }

  /** Null means "use the default" and is always fine. */
  private void range(String path, Number value, double min, double max) {
    if (value != null && (value.doubleValue() < min || value.doubleValue() > max)) {
      add(path, value, allowedRange(min, max));
    }
  }

  private static String allowedRange(double min, double max) {
    String lo = fmt(min);
    return max >= Integer.MAX_VALUE
        ? "a number of at least " + lo
        : "a number from " + lo + " to " + fmt(max);
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private void add(String path, Object value, String allowed) {
    String shown =
        value == null
            ? "(unset)"
            : value instanceof String text ? Printable.quote(text) : String.valueOf(value);
    addShown(path, shown, allowed);
  }

  /** {@code shown} is already fit to print. */
  private void addShown(String path, String shown, String allowed) {
    out.add(new Violation(Printable.escape(path), shown, allowed));
  }
}
