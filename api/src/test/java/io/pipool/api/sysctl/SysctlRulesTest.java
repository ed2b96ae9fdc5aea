package io.pipool.api.sysctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.v1alpha1.SysctlSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SysctlRulesTest {

  @ParameterizedTest(name = "{0}={1} is accepted")
  @CsvSource({
    "net.core.somaxconn, 4096",
    "net.ipv4.tcp_max_syn_backlog, 4096",
    "net.ipv4.ip_local_port_range, 1024 65535",
    "net.ipv4.ip_local_port_range, '1024\t65535'",
    "net.ipv4.tcp_rmem, 4096 87380 6291456",
    "net.ipv4.tcp_tw_reuse, 1",
    "fs.file-max, 200000",
    "fs.nr_open, 1048576",
    "net.ipv4.ip_forward, 1",
  })
  void accepts(String name, String value) {
    assertThat(SysctlRules.check(name, value)).isEmpty();
  }

  @ParameterizedTest(name = "{0}={1} is refused: {2}")
  @CsvSource({
    "kernel.panic, 1, not allowed",
    "vm.swappiness, 10, not allowed",
    "net.ipv6.conf.all.forwarding, 1, not allowed",
    "'net.core.somaxconn; rm -rf', 1, not allowed",
    "net.core.somaxconn, '', integers",
    "net.core.somaxconn, 4k, integers",
    "net.ipv4.ip_local_port_range, 1024, low < high",
    "net.ipv4.ip_local_port_range, 2000 1000, low < high",
    "net.ipv4.ip_local_port_range, 1024 70000, 65535",
    "net.ipv4.ip_forward, 2, 0 or 1",
    "fs.nr_open, 12, from 1024",
    "fs.file-max, 99999999999999999999, from 1024",
    "net.core.somaxconn, '4096\n', integers",
    "net.ipv4.ip_forward, '1\n', 0 or 1",
  })
  void refusesWithAMessageNamingTheSysctl(String name, String value, String hint) {
    assertThat(SysctlRules.check(name, value))
        .hasValueSatisfying(m -> assertThat(m).contains(name.trim()).contains(hint));
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "'kernel.panic\nnet.core.somaxconn', 1, sysctl \"kernel.panic\\nnet.core.somaxconn\" is not allowed",
    "net.core.somaxconn, '1\r\n2', sysctl net.core.somaxconn=\"1\\r\\n2\" is invalid; allowed: integers",
  })
  void messagesEscapeControlCharactersSoTheyStayOneLine(String name, String value, String start) {
    assertThat(SysctlRules.check(name, value))
        .hasValueSatisfying(m -> assertThat(m).startsWith(start).doesNotContain("\n", "\r"));
  }

  @Test
  void highConcurrencyProfileIsTheArticlesSettings() {
    assertThat(SysctlRules.desired(new SysctlSpec()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "net.core.somaxconn", "4096",
                "net.ipv4.tcp_max_syn_backlog", "4096",
                "net.ipv4.ip_local_port_range", "1024 65535"));
  }

  @Test
  void explicitValuesOverrideTheProfile() {
    SysctlSpec spec = new SysctlSpec();
    spec.setValues(Map.of("net.core.somaxconn", "8192", "net.ipv4.tcp_fin_timeout", "15"));
    assertThat(SysctlRules.desired(spec))
        .containsEntry("net.core.somaxconn", "8192")
        .containsEntry("net.ipv4.tcp_fin_timeout", "15")
        .containsEntry("net.ipv4.tcp_max_syn_backlog", "4096");
  }

  @Test
  void profileNoneAppliesOnlyExplicitValues() {
    SysctlSpec spec = new SysctlSpec();
    spec.setProfile(SysctlSpec.Profile.None);
    spec.setValues(Map.of("net.ipv4.tcp_fin_timeout", "15"));
    assertThat(SysctlRules.desired(spec)).containsOnlyKeys("net.ipv4.tcp_fin_timeout");
  }

  @Test
  void normalisesKernelTabs() {
    assertThat(SysctlRules.normalise("1024\t65535\n")).isEqualTo("1024 65535");
  }
}
