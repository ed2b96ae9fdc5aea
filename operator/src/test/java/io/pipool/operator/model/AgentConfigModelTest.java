package io.pipool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pipool.api.agent.AgentConfig;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServerSpec;
import io.pipool.api.v1alpha1.SysctlSpec;
import io.pipool.operator.testing.Fixtures;
import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigModelTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "null",
      value = {
        "Echo, /srv/static, null, 1024",
        "Static, /srv/static, null, 1024",
        "Proxy, /srv/static, http://backend:8080, 1024",
      })
  void theRenderedFileReadsBackAsTheAgentsConfig(
      ServerSpec.Mode mode, String staticDir, String upstream, Integer echoBytes) throws Exception {
    PiServerPool pool = Fixtures.stored("ns", "web");
    pool.getSpec().getServer().setMode(mode);
    pool.getSpec().getServer().setUpstream(upstream);
    pool.getSpec().getServer().setStaticConfigMap(mode == ServerSpec.Mode.Static ? "site" : null);
    AgentConfig read = YAML.readValue(AgentConfigModel.yaml(pool.getSpec()), AgentConfig.class);
    assertThat(read.server().mode()).isEqualTo(mode);
    assertThat(read.server().staticDir()).isEqualTo(Path.of(staticDir));
    assertThat(read.server().upstream()).isEqualTo(upstream == null ? null : URI.create(upstream));
    assertThat(read.server().echoBodyBytes()).isEqualTo(echoBytes);
    assertThat(read.sysctls().procRoot()).isEqualTo(Path.of("/host/proc/sys"));
    assertThat(read.serving().watchPod()).isTrue();
    assertThat(read.serving().initial()).isEqualTo(AgentConfig.Serving.Initial.Standby);
    // the agent binds its admin port to the pod IP: the file must leave adminHost to it
    assertThat(read.server().adminHost()).isNull();
    assertThat(read.problems()).isEmpty();
  }

  @Test
  void sysctlsAreTheProfilePlusValuesInAStableOrder() throws Exception {
    PiServerPool a = Fixtures.stored("ns", "web");
    PiServerPool b = Fixtures.stored("ns", "web");
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("net.core.netdev_max_backlog", "5000");
    ab.put("fs.file-max", "200000");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("fs.file-max", "200000");
    ba.put("net.core.netdev_max_backlog", "5000");
    a.getSpec().getSysctls().setValues(ab);
    b.getSpec().getSysctls().setValues(ba);
    assertThat(AgentConfigModel.yaml(a.getSpec())).isEqualTo(AgentConfigModel.yaml(b.getSpec()));
    AgentConfig read = YAML.readValue(AgentConfigModel.yaml(a.getSpec()), AgentConfig.class);
    assertThat(read.sysctls().values())
        .containsEntry("net.core.somaxconn", "4096")
        .containsEntry("fs.file-max", "200000")
        .hasSize(5);
  }

  @Test
  void profileNoneLeavesOnlyTheExplicitValues() throws Exception {
    PiServerPool pool = Fixtures.stored("ns", "web");
    pool.getSpec().getSysctls().setProfile(SysctlSpec.Profile.None);
    pool.getSpec().getSysctls().setValues(Map.of("net.core.somaxconn", "1024"));
    AgentConfig read = YAML.readValue(AgentConfigModel.yaml(pool.getSpec()), AgentConfig.class);
    assertThat(read.sysctls().values()).isEqualTo(Map.of("net.core.somaxconn", "1024"));
  }

  @Test
  void tlsPointsTheAgentAtTheMountedSecret() throws Exception {
    PiServerPool pool = Fixtures.stored("ns", "web");
    pool.getSpec().getServer().setTlsSecret("web-tls");
    AgentConfig read = YAML.readValue(AgentConfigModel.yaml(pool.getSpec()), AgentConfig.class);
    assertThat(read.server().tlsCertFile()).isEqualTo(Path.of("/etc/pi-pool/tls/tls.crt"));
    assertThat(read.server().tlsKeyFile()).isEqualTo(Path.of("/etc/pi-pool/tls/tls.key"));
  }
}
