package io.pipool.simulator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoPoolTest {

  @Test
  void inANetworkNamespaceTheAgentCheckPortStaysAsConfigured() {
    // 198.18.x.y lives in the simulator's namespace: nothing here can bind it to check a port
    // (bin/demo --local-control-plane with haproxy stopped with "cannot bind a loopback address")
    List<String> inNamespace = List.of("198.18.255.201", "198.18.255.202");
    assertThat(DemoPool.agentCheckPort(null, inNamespace, false)).isEqualTo(9101);
    assertThat(DemoPool.agentCheckPort(9200, inNamespace, false)).isEqualTo(9200);
  }

  @Test
  void onSharedLoopbackATakenAgentCheckPortMoves() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      int chosen = DemoPool.agentCheckPort(port, List.of("127.0.0.1"), true);
      assertThat(chosen).isNotEqualTo(port).isPositive();
    }
  }
}
