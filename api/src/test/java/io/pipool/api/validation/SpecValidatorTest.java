package io.pipool.api.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.sysctl.SysctlRules;
import io.pipool.api.v1alpha1.PiServerPoolSpec;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.api.v1alpha1.ServiceSpec;
import io.pipool.api.v1alpha1.SysctlSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

  private static PiServerPoolSpec spec(Consumer<PiServerPoolSpec> change) {
    PiServerPoolSpec s = new PiServerPoolSpec();
    change.accept(s);
    return s;
  }

  private static Arguments invalid(
      String name, Consumer<PiServerPoolSpec> change, String path, String allowedHint) {
    return Arguments.of(name, spec(change), path, allowedHint);
  }

  static Stream<Arguments> invalidSpecs() {
    return Stream.of(
        invalid("negative replicas", s -> s.setReplicas(-1), "spec.replicas", "at least 0"),
        invalid("port zero", s -> s.getServer().setPort(0), "spec.server.port", "from 1 to 65535"),
        invalid(
            "port clash",
            s -> s.getServer().setAdminPort(8080),
            "spec.server.adminPort",
            "different from spec.server.port"),
        invalid(
            "proxy without upstream",
            s -> s.getServer().setMode(ServerSpec.Mode.Proxy),
            "spec.server.upstream",
            "required when spec.server.mode is Proxy"),
        invalid(
            "upstream not a URL",
            s -> s.getServer().setUpstream("backend:8080"),
            "spec.server.upstream",
            "http:// or https://"),
        invalid(
            "upstream with a space in its path",
            s -> s.getServer().setUpstream("http://backend:8080/a b"),
            "spec.server.upstream",
            "http:// or https://"),
        invalid(
            "static without content",
            s -> s.getServer().setMode(ServerSpec.Mode.Static),
            "spec.server.staticConfigMap",
            "required when spec.server.mode is Static"),
        invalid(
            "connection cap zero",
            s -> s.getServer().setMaxConnections(0),
            "spec.server.maxConnections",
            "from 1 to 1000000"),
        invalid(
            "idle timeout too long",
            s -> s.getServer().setIdleTimeoutSeconds(7200),
            "spec.server.idleTimeoutSeconds",
            "from 1 to 3600"),
        invalid(
            "bad tls secret name",
            s -> s.getServer().setTlsSecret("My_Secret"),
            "spec.server.tlsSecret",
            "DNS-1123"),
        invalid(
            "kernel sysctl",
            s -> s.getSysctls().setValues(Map.of("kernel.panic", "1")),
            "spec.sysctls.values",
            "(kernel.*, vm.*"),
        invalid(
            "non-numeric sysctl",
            s -> s.getSysctls().setValues(Map.of("net.core.somaxconn", "lots")),
            "spec.sysctls.values[net.core.somaxconn]",
            "integers"),
        invalid(
            "reversed port range",
            s -> s.getSysctls().setValues(Map.of("net.ipv4.ip_local_port_range", "65535 1024")),
            "spec.sysctls.values[net.ipv4.ip_local_port_range]",
            "low < high"),
        invalid(
            "resume above drain",
            s -> s.getThermal().setResumeCelsius(78.0),
            "spec.thermal.resumeCelsius",
            "below spec.thermal.drainCelsius"),
        invalid(
            "drain above critical",
            s -> s.getThermal().setDrainCelsius(82.0),
            "spec.thermal.drainCelsius",
            "below spec.thermal.criticalCelsius"),
        invalid(
            "drain out of range",
            s -> s.getThermal().setDrainCelsius(120.0),
            "spec.thermal.drainCelsius",
            "from 30 to 100"),
        invalid(
            "min above max",
            s -> {
              s.getAutoscaling().setMinReplicas(5);
              s.getAutoscaling().setMaxReplicas(3);
            },
            "spec.autoscaling.minReplicas",
            "at most spec.autoscaling.maxReplicas (3)"),
        invalid(
            "zero target",
            s -> s.getAutoscaling().setTargetConnectionsPerReplica(0),
            "spec.autoscaling.targetConnectionsPerReplica",
            "at least 1"),
        invalid(
            "tolerance above one",
            s -> s.getAutoscaling().setTolerance(1.5),
            "spec.autoscaling.tolerance",
            "from 0 to 1"),
        invalid(
            "poll too slow",
            s -> s.getAutoscaling().setPollIntervalSeconds(600),
            "spec.autoscaling.pollIntervalSeconds",
            "from 1 to 300"),
        invalid(
            "policy without period",
            s ->
                s.getAutoscaling()
                    .setScaleDown(rules(new ScalingPolicy(ScalingPolicy.Type.Pods, 1, 0))),
            "spec.autoscaling.scaleDown.policies[0].periodSeconds",
            "from 1 to 1800"),
        invalid(
            "node port on ClusterIP",
            s -> s.getService().setNodePort(30080),
            "spec.service.nodePort",
            "NodePort or LoadBalancer"),
        invalid(
            "node port out of range",
            s -> {
              s.getService().setType(ServiceSpec.Type.NodePort);
              s.getService().setNodePort(8080);
            },
            "spec.service.nodePort",
            "from 30000 to 32767"),
        invalid(
            "bad node selector value",
            s -> s.setNodeSelector(Map.of("pi-role", "edge node")),
            "spec.nodeSelector[pi-role]",
            "label values"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSpecs")
  void invalidSpecNamesTheFieldAndWhatIsAllowed(
      String name, PiServerPoolSpec spec, String path, String allowedHint) {
    List<Violation> violations = SpecValidator.validate(spec);
    assertThat(violations).extracting(Violation::path).contains(path);
    Violation v = violations.stream().filter(x -> x.path().equals(path)).findFirst().orElseThrow();
    assertThat(v.allowed()).contains(allowedHint);
    assertThat(v.message()).startsWith(path + ": ").contains("allowed: ");
  }

  /** Each message as a user reads it in the Valid condition, the Event and the log. */
  static Stream<Arguments> messages() {
    return Stream.of(
        Arguments.of(
            "a disallowed name is blamed on the name, not its value",
            Map.of("kernel.panic", "1"),
            nameRefused("\"kernel.panic\"")),
        Arguments.of(
            "a value of 0 or 1 without a stutter",
            Map.of("net.ipv4.ip_forward", "2"),
            "spec.sysctls.values[net.ipv4.ip_forward]: \"2\" is invalid; allowed: 0 or 1"),
        Arguments.of(
            "an inverted port range",
            Map.of("net.ipv4.ip_local_port_range", "65535 1024"),
            "spec.sysctls.values[net.ipv4.ip_local_port_range]: \"65535 1024\" is invalid;"
                + " allowed: two port numbers \"low high\" with 1 <= low < high <= 65535"),
        Arguments.of(
            "garbage value",
            Map.of("net.core.somaxconn", "lots"),
            "spec.sysctls.values[net.core.somaxconn]: \"lots\" is invalid; allowed: integers"
                + " (several separated by spaces)"),
        Arguments.of(
            "fs.nr_open below the floor",
            Map.of("fs.nr_open", "12"),
            "spec.sysctls.values[fs.nr_open]: \"12\" is invalid; allowed: integers from 1024 to"
                + " 1073741816"),
        Arguments.of(
            "a newline in a name is escaped",
            Map.of("net.core.somaxconn\nkernel.panic", "1"),
            nameRefused("\"net.core.somaxconn\\nkernel.panic\"")),
        Arguments.of(
            "path traversal in a name",
            Map.of("net/core/../../kernel/panic", "1"),
            nameRefused("\"net/core/../../kernel/panic\"")),
        Arguments.of(
            "a newline smuggled into a value is refused and escaped",
            Map.of("net.core.somaxconn", "4096\nkernel.panic=1"),
            "spec.sysctls.values[net.core.somaxconn]: \"4096\\nkernel.panic=1\" is invalid;"
                + " allowed: integers (several separated by spaces)"),
        Arguments.of(
            "a trailing newline is not silently trimmed",
            Map.of("net.core.somaxconn", "4096\n"),
            "spec.sysctls.values[net.core.somaxconn]: \"4096\\n\" is invalid; allowed:"
                + " integers (several separated by spaces)"),
        Arguments.of(
            "a control character in a value",
            Map.of("net.ipv4.ip_forward", "1\u0007"),
            "spec.sysctls.values[net.ipv4.ip_forward]: \"1\\u0007\" is invalid; allowed: 0 or"
                + " 1"),
        Arguments.of(
            "too many entries",
            manyValues(SysctlRules.MAX_VALUES + 1),
            "spec.sysctls.values: 65 entries is invalid; allowed: at most 64 sysctls"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("messages")
  void sysctlMessagesNameTheFieldTheValueAndWhatIsAllowedOnOneLine(
      String name, Map<String, String> values, String expected) {
    List<String> messages =
        SpecValidator.validate(spec(s -> s.getSysctls().setValues(values))).stream()
            .map(Violation::message)
            .toList();
    assertThat(messages).containsExactly(expected);
    assertThat(messages.get(0)).doesNotContain("\n", "\r", "allowed: allowed");
  }

  @Test
  void aNewlineInANodeSelectorKeyDoesNotSplitTheMessage() {
    List<Violation> violations =
        SpecValidator.validate(spec(s -> s.setNodeSelector(Map.of("pi\nrole", "edge\nnode"))));
    assertThat(violations)
        .extracting(Violation::message)
        .containsExactly(
            "spec.nodeSelector: \"pi\\nrole\" is invalid; allowed: label keys like"
                + " kubernetes.io/arch or pi-role",
            "spec.nodeSelector[pi\\nrole]: \"edge\\nnode\" is invalid; allowed: label values"
                + " of at most 63 letters, digits, '-', '_' or '.'");
  }

  private static String nameRefused(String shownName) {
    return "spec.sysctls.values: name "
        + shownName
        + " is invalid; allowed: "
        + SysctlRules.ALLOWED
        + " (kernel.*, vm.* and other sysctls are refused)";
  }

  private static Map<String, String> manyValues(int n) {
    Map<String, String> values = new java.util.LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      values.put("net.core.knob_" + i, "1");
    }
    return values;
  }

  static Stream<Arguments> validSpecs() {
    return Stream.of(
        Arguments.of("defaults", spec(s -> {})),
        Arguments.of(
            "proxy",
            spec(
                s -> {
                  s.getServer().setMode(ServerSpec.Mode.Proxy);
                  s.getServer().setUpstream("http://backend.default.svc:8080/api");
                })),
        Arguments.of(
            "static",
            spec(
                s -> {
                  s.getServer().setMode(ServerSpec.Mode.Static);
                  s.getServer().setStaticConfigMap("web-content");
                })),
        Arguments.of(
            "tuned",
            spec(
                s ->
                    s.getSysctls()
                        .setValues(
                            Map.of(
                                "net.ipv4.tcp_fin_timeout", "15",
                                "net.ipv4.tcp_rmem", "4096 87380 6291456",
                                "fs.file-max", "200000")))),
        Arguments.of(
            "autoscaled",
            spec(
                s -> {
                  s.getAutoscaling().setEnabled(true);
                  s.getAutoscaling().setMinReplicas(2);
                  s.getAutoscaling().setMaxReplicas(2);
                  s.getService().setType(ServiceSpec.Type.NodePort);
                  s.getService().setNodePort(30080);
                  s.setNodeSelector(Map.of("kubernetes.io/arch", "arm64"));
                })),
        Arguments.of(
            "sub-objects left out",
            spec(
                s -> {
                  s.setServer(null);
                  s.setThermal(null);
                  s.setAutoscaling(null);
                })));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSpecs")
  void validSpecHasNoViolations(String name, PiServerPoolSpec spec) {
    assertThat(SpecValidator.validate(spec)).isEmpty();
  }

  /**
   * A pool that leaves the node's ephemeral range alone reserves nothing, so a port in the kernel's
   * default range could be taken by an outgoing connection before the agent listens.
   */
  @Test
  void aPortInTheUnreservedEphemeralRangeIsRefused() {
    PiServerPoolSpec untouched =
        spec(
            x -> {
              x.getSysctls().setProfile(SysctlSpec.Profile.None);
              x.getServer().setPort(40000);
              x.getServer().setAgentCheckPort(9100);
            });
    assertThat(SpecValidator.validate(untouched))
        .extracting(Violation::message)
        .containsExactly(
            "spec.server.port: 40000 is invalid; allowed: a port outside the kernel's default"
                + " ephemeral range 32768-60999, which this pool leaves unreserved; or set"
                + " net.ipv4.ip_local_port_range (profile HighConcurrency or"
                + " spec.sysctls.values), and the agent reserves the pool's ports in it");
    // with the range set by the pool, the agent reserves the port: fine
    PiServerPoolSpec widened = spec(x -> x.getServer().setPort(40000));
    assertThat(SpecValidator.validate(widened)).isEmpty();
  }

  @Test
  void reportsEveryViolationNotJustTheFirst() {
    PiServerPoolSpec s =
        spec(
            x -> {
              x.setReplicas(-2);
              x.getServer().setPort(70000);
              x.getThermal().setResumeCelsius(90.0);
            });
    assertThat(SpecValidator.validate(s))
        .extracting(Violation::path)
        .contains("spec.replicas", "spec.server.port", "spec.thermal.resumeCelsius");
  }

  @Test
  void missingSpecIsReported() {
    assertThat(SpecValidator.validate(null)).extracting(Violation::path).containsExactly("spec");
  }

  private static ScalingRules rules(ScalingPolicy policy) {
    ScalingRules r = new ScalingRules();
    r.setPolicies(List.of(policy));
    return r;
  }
}
