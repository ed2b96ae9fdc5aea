package io.pipool.simulator.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeNetworkTest {

  @Test
  void everySlotHoldsAThousandNodesInTheBenchmarkingRangeWithoutOverlap() {
    Set<String> seen = new HashSet<>();
    for (int slot = 0; slot < NodeNetwork.SLOTS; slot++) {
      for (int i = 1; i <= NodeNetwork.MAX_NODES; i++) {
        String a = NodeNetwork.address(slot, i);
        assertThat(a).startsWith("198.18.");
        assertThat(seen.add(a)).as("%s used twice", a).isTrue();
      }
    }
    assertThat(seen).doesNotContain(NodeNetwork.GATEWAY);
    assertThat(NodeNetwork.address(0, 1)).isEqualTo("198.18.0.1");
    assertThat(NodeNetwork.address(1, 1)).isEqualTo("198.18.4.1");
    assertThat(NodeNetwork.address(63, 1022)).isEqualTo("198.18.255.254");
  }

  @Test
  void aNodeIndexOutsideTheSubnetIsRefused() {
    assertThatThrownBy(() -> NodeNetwork.address(0, 1023))
        .hasMessageContaining("node index: 1023 is out of range; allowed is 1 to 1022");
    assertThatThrownBy(() -> NodeNetwork.address(0, 0)).hasMessageContaining("out of range");
  }

  @Test
  void theNamespaceAndItsLinkExistWhileOpenAndAreGoneAfterClose() throws Exception {
    assumeTrue(
        NodeNetwork.unavailableReason().isEmpty(),
        () -> "no network namespaces here: " + NodeNetwork.unavailableReason().orElseThrow());
    String ns;
    String link;
    try (NodeNetwork net = NodeNetwork.create(3)) {
      ns = net.namespace();
      link = net.hostLink();
      assertThat(ip("netns", "list")).contains(ns);
      assertThat(ip("-n", ns, "-o", "addr", "show"))
          .contains(net.nodeAddress(1) + "/22", net.nodeAddress(3) + "/22")
          .doesNotContain(net.nodeAddress(4) + "/");
      assertThat(ip("-o", "addr", "show", "dev", link)).contains(NodeNetwork.GATEWAY + "/32");
    }
    assertThat(ip("netns", "list")).doesNotContain(ns + " ").doesNotContain(ns + "\n");
    assertThat(ip("-o", "link", "show")).doesNotContain(link + "@");
  }

  private static String ip(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out + "\n";
  }
}
