package io.pipool.agent.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * ProcSys on the kernel's own /proc/sys, read only: procfs files report a size of 0 and answer a
 * read at a later offset with end-of-file, which a fake tree of regular files never shows.
 */
@EnabledOnOs(OS.LINUX)
class ProcSysTest {

  private final ProcSys proc = new ProcSys(Path.of("/proc/sys"));

  @Test
  void readsWholeValuesFromTheRealProcSys() throws IOException {
    assertThat(proc.read("net.ipv4.ip_local_port_range")).matches("\\d+ \\d+");
    // the kernel's floor for the listen backlog is far above one digit (4096 since Linux 5.4)
    assertThat(Integer.parseInt(proc.read("net.core.somaxconn"))).isGreaterThanOrEqualTo(128);
    assertThat(Integer.parseInt(proc.read("net.ipv4.tcp_max_syn_backlog")))
        .isGreaterThanOrEqualTo(128);
  }
}
