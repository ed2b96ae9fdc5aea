package io.pipool.simulator.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimNodeTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"1, 127.0.1.1", "254, 127.0.1.254", "255, 127.0.2.1", "300, 127.0.2.46"})
  void eachNodeGetsItsOwnLoopbackAddress(int index, String address) {
    assertThat(SimNode.addressOf(index)).isEqualTo(address);
  }

  @Test
  void anIndexOutsideTheAddressPlanIsRefused() {
    assertThatThrownBy(() -> SimNode.addressOf(0)).hasMessageContaining("node index");
  }

  @Test
  void seedingCreatesPiOsSysctlsAndAThermalZoneTheAgentCanRead() throws Exception {
    SimNode n = new SimNode(3, "pi-3", SimNode.addressOf(3), dir.resolve("pi-3"));
    NodeFiles.seed(n, 46.2);
    assertThat(NodeFiles.readSysctl(n, "net.ipv4.ip_local_port_range")).isEqualTo("32768 60999");
    assertThat(NodeFiles.readSysctl(n, "net.ipv4.tcp_max_syn_backlog")).isEqualTo("512");
    assertThat(Files.readString(n.sysfs().resolve("class/thermal/thermal_zone0/type")))
        .isEqualTo("cpu-thermal\n");
    assertThat(Files.readString(n.temperatureFile())).isEqualTo("46200\n");
    NodeFiles.writeTemperature(n, 81.4567);
    assertThat(Files.readString(n.temperatureFile())).isEqualTo("81457\n");
  }

  @Test
  void theNodeObjectLooksLikeAPi4() {
    Node node = NodeObjects.of(new SimNode(2, "pi-2", "127.0.1.2", dir));
    assertThat(node.getMetadata().getLabels())
        .containsEntry("kubernetes.io/arch", "arm64")
        .containsEntry("kubernetes.io/hostname", "pi-2")
        .containsEntry("node.kubernetes.io/instance-type", "raspberrypi4");
    assertThat(node.getStatus().getCapacity().get("cpu").toString()).isEqualTo("4");
    assertThat(node.getStatus().getCapacity().get("memory").toString()).isEqualTo("4Gi");
    assertThat(node.getStatus().getAddresses())
        .anySatisfy(a -> assertThat(a.getAddress()).isEqualTo("127.0.1.2"));
  }
}
