package io.pipool.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.SysctlReport;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.operator.testing.Fixtures;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SysctlHealthTest {

  static Pod initFailed(boolean crashLooping) {
    Pod pod = Fixtures.agentPod("ns", "web", "pi-2", "10.0.0.2");
    var terminated = new ContainerStatusBuilder().withName("apply-sysctls");
    if (crashLooping) {
      terminated
          .withNewState()
          .withNewWaiting()
          .withReason("CrashLoopBackOff")
          .endWaiting()
          .endState()
          .withNewLastState()
          .withNewTerminated()
          .withExitCode(3)
          .withMessage("sysctl kernel.panic is not allowed")
          .endTerminated()
          .endLastState();
    } else {
      terminated
          .withNewState()
          .withNewTerminated()
          .withExitCode(1)
          .withReason("Error")
          .endTerminated()
          .endState();
    }
    pod.getStatus().setInitContainerStatuses(List.of(terminated.build()));
    return pod;
  }

  static AgentStatus drifted() {
    AgentStatus ok = Fixtures.status("pi-1", 0, 50, false);
    return new AgentStatus(
        ok.node(),
        ok.pod(),
        ok.version(),
        ok.servingMode(),
        ok.servingReason(),
        ok.uptimeSeconds(),
        ok.connections(),
        ok.requestsPerSecond(),
        ok.requestsTotal(),
        ok.thermal(),
        List.of(
            new SysctlReport(
                "net.core.somaxconn", "4096", "128", "128", SysctlReport.State.Drifted, null)),
        ok.timestamp());
  }

  static Stream<Arguments> cases() {
    Pod ok = Fixtures.agentPod("ns", "web", "pi-1", "10.0.0.1");
    return Stream.of(
        Arguments.of(
            "applied",
            Map.of("pi-1", ok),
            Map.of("pi-1", Fixtures.status("pi-1", 0, 50, false)),
            "True",
            "Applied",
            NodeStatus.SysctlState.Applied,
            ""),
        Arguments.of(
            "init done, agent silent",
            Map.of("pi-1", ok),
            Map.of(),
            "True",
            "Applied",
            NodeStatus.SysctlState.Applied,
            ""),
        Arguments.of(
            "init failed",
            Map.of("pi-2", initFailed(false)),
            Map.of(),
            "False",
            "ApplyFailed",
            NodeStatus.SysctlState.Failed,
            "pi-2 (exit 1: Error)"),
        Arguments.of(
            "init crash-looping",
            Map.of("pi-2", initFailed(true)),
            Map.of(),
            "False",
            "ApplyFailed",
            NodeStatus.SysctlState.Failed,
            "kernel.panic is not allowed"),
        Arguments.of(
            "drift reported",
            Map.of("pi-1", ok),
            Map.of("pi-1", drifted()),
            "False",
            "Drifted",
            NodeStatus.SysctlState.Drifted,
            "pi-1 (net.core.somaxconn=128 (want 4096))"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theVerdictNamesNodesAndSysctls(
      String name,
      Map<String, Pod> pods,
      Map<String, AgentStatus> statuses,
      String status,
      String reason,
      NodeStatus.SysctlState nodeState,
      String mentions) {
    SysctlHealth.Verdict v = SysctlHealth.judge(pods, statuses);
    assertThat(v.status()).isEqualTo(status);
    assertThat(v.reason()).isEqualTo(reason);
    assertThat(v.message()).contains(mentions);
    assertThat(v.nodes().values())
        .extracting(SysctlHealth.NodeSysctls::state)
        .containsOnly(nodeState);
  }
}
