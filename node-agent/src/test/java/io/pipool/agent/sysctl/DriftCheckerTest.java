package io.pipool.agent.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import io.pipool.api.agent.SysctlReport;
import io.pipool.api.agent.SysctlReport.State;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftCheckerTest {

  @TempDir Path dir;

  @Test
  void eachSysctlGetsItsState() throws Exception {
    TestAgents.write(dir.resolve("proc/net/core/somaxconn"), "4096\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/tcp_max_syn_backlog"), "128\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/ip_local_port_range"), "1024\t65535\n");
    StateFile state = new StateFile(dir.resolve("state.json"));
    state.write(Map.of("net.core.somaxconn", "128"));
    Map<String, String> desired = new LinkedHashMap<>();
    desired.put("net.core.somaxconn", "4096");
    desired.put("net.ipv4.tcp_max_syn_backlog", "4096");
    desired.put("net.ipv4.ip_local_port_range", "1024 65535");
    desired.put("net.core.not_there", "1");
    desired.put("kernel.panic", "1");

    List<SysctlReport> reports =
        new DriftChecker(new ProcSys(dir.resolve("proc")), state).check(desired);

    assertThat(reports)
        .extracting(SysctlReport::name, SysctlReport::state)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("net.core.somaxconn", State.Applied),
            org.assertj.core.groups.Tuple.tuple("net.ipv4.tcp_max_syn_backlog", State.Drifted),
            org.assertj.core.groups.Tuple.tuple("net.ipv4.ip_local_port_range", State.Applied),
            org.assertj.core.groups.Tuple.tuple("net.core.not_there", State.Missing),
            org.assertj.core.groups.Tuple.tuple("kernel.panic", State.Unknown));
    assertThat(reports.get(0).original()).isEqualTo("128");
    assertThat(reports.get(1).actual()).isEqualTo("128");
    assertThat(reports.get(4).message()).contains("not allowed");
  }
}
