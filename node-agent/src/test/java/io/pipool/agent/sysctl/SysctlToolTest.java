package io.pipool.agent.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.support.TestAgents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysctlToolTest {

  @TempDir Path dir;
  private ProcSys proc;
  private StateFile state;

  @BeforeEach
  void fakeProcfs() {
    TestAgents.write(dir.resolve("proc/net/core/somaxconn"), "128\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/tcp_max_syn_backlog"), "512\n");
    TestAgents.write(dir.resolve("proc/net/ipv4/ip_local_port_range"), "32768\t60999\n");
    proc = new ProcSys(dir.resolve("proc"));
    state = new StateFile(dir.resolve("state/originals.json"));
  }

  private static Map<String, String> desired() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("net.core.somaxconn", "4096");
    m.put("net.ipv4.tcp_max_syn_backlog", "4096");
    m.put("net.ipv4.ip_local_port_range", "1024 65535");
    return m;
  }

  @Test
  void applyWritesReadsBackAndSavesTheOriginals() throws IOException {
    SysctlTool.Outcome out = new SysctlTool(proc, state).apply(desired());

    assertThat(out.ok()).isTrue();
    assertThat(proc.read("net.core.somaxconn")).isEqualTo("4096");
    assertThat(proc.read("net.ipv4.ip_local_port_range")).isEqualTo("1024 65535");
    assertThat(state.read())
        .contains(
            Map.of(
                "net.core.somaxconn", "128",
                "net.ipv4.tcp_max_syn_backlog", "512",
                "net.ipv4.ip_local_port_range", "32768 60999"));
  }

  @Test
  void aSecondApplyNeverOverwritesTheTrueOriginals() throws IOException {
    SysctlTool tool = new SysctlTool(proc, state);
    tool.apply(desired());
    Map<String, String> changed = new LinkedHashMap<>(desired());
    changed.put("net.core.somaxconn", "8192");

    assertThat(tool.apply(changed).ok()).isTrue();

    assertThat(proc.read("net.core.somaxconn")).isEqualTo("8192");
    assertThat(state.read().orElseThrow()).containsEntry("net.core.somaxconn", "128");
  }

  @Test
  void aSysctlAddedLaterHasItsOriginalAdded() throws IOException {
    SysctlTool tool = new SysctlTool(proc, state);
    tool.apply(Map.of("net.core.somaxconn", "4096"));
    tool.apply(desired());
    assertThat(state.read().orElseThrow())
        .containsEntry("net.core.somaxconn", "128")
        .containsEntry("net.ipv4.tcp_max_syn_backlog", "512");
  }

  @Test
  void refusedNamesStopEverythingAndAreNamed() throws IOException {
    Map<String, String> bad = new LinkedHashMap<>(desired());
    bad.put("kernel.panic", "1");
    bad.put("net.ipv4.ip_local_port_range", "60000 1024");

    SysctlTool.Outcome out = new SysctlTool(proc, state).apply(bad);

    assertThat(out.ok()).isFalse();
    assertThat(out.failures())
        .anySatisfy(f -> assertThat(f).contains("kernel.panic").contains("not allowed"))
        .anySatisfy(f -> assertThat(f).contains("net.ipv4.ip_local_port_range"));
    assertThat(proc.read("net.core.somaxconn")).isEqualTo("128");
    assertThat(Files.exists(state.path())).isFalse();
  }

  @Test
  void aValueTheKernelDoesNotHoldIsNamed() {
    // Like the kernel clamping a value above its maximum.
    ProcSys clamping =
        new ProcSys(dir.resolve("proc")) {
          @Override
          public void write(String name, String value) throws IOException {
            super.write(name, name.equals("net.core.somaxconn") ? "1024" : value);
          }
        };

    SysctlTool.Outcome out = new SysctlTool(clamping, state).apply(desired());

    assertThat(out.ok()).isFalse();
    assertThat(out.failures())
        .singleElement()
        .satisfies(f -> assertThat(f).contains("net.core.somaxconn").contains("1024"));
  }

  @Test
  void aMissingSysctlIsNamed() {
    SysctlTool.Outcome out =
        new SysctlTool(proc, state).apply(Map.of("net.core.no_such_knob", "1"));
    assertThat(out.failures())
        .singleElement()
        .satisfies(f -> assertThat(f).contains("net.core.no_such_knob"));
  }

  @Test
  void restoreWritesOriginalsBackAndRemovesTheState() throws IOException {
    SysctlTool tool = new SysctlTool(proc, state);
    tool.apply(desired());

    SysctlTool.Outcome out = tool.restore();

    assertThat(out.ok()).isTrue();
    assertThat(proc.read("net.core.somaxconn")).isEqualTo("128");
    assertThat(proc.read("net.ipv4.ip_local_port_range")).isEqualTo("32768 60999");
    assertThat(Files.exists(state.path())).isFalse();
  }

  @Test
  void restoreWithoutStateChangesNothing() throws IOException {
    SysctlTool.Outcome out = new SysctlTool(proc, state).restore();
    assertThat(out.ok()).isTrue();
    assertThat(out.changed()).singleElement().asString().contains("nothing to restore");
    assertThat(proc.read("net.core.somaxconn")).isEqualTo("128");
  }
}
