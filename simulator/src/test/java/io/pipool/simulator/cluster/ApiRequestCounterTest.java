package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiRequestCounterTest {

  @ParameterizedTest
  @CsvSource({
    "/api/v1/namespaces/default/pods, pods",
    "/api/v1/namespaces/default/pods/web-agent-x1/status, pods/status",
    "/api/v1/nodes/pi-1, nodes",
    "/apis/apps/v1/namespaces/default/daemonsets/web-agent, daemonsets",
    "/apis/pipool.io/v1alpha1/namespaces/default/piserverpools/web/status?fieldManager=x,"
        + " piserverpools/status",
    "/api/v1/namespaces/default/events, events"
  })
  void namesTheResourceOfAPath(String path, String resource) {
    assertThat(ApiRequestCounter.resourceOf(path)).isEqualTo(resource);
  }

  @ParameterizedTest
  @CsvSource({
    "pi-pool-operator, pi-pool-operator",
    "fabric8-kubernetes-client/7.5.2, fabric8-kubernetes-client",
    "'', unknown"
  })
  void namesTheClient(String userAgent, String client) {
    assertThat(ApiRequestCounter.clientOf(userAgent)).isEqualTo(client);
  }

  @ParameterizedTest
  @CsvSource({"GET, 0", "POST, 1", "patch, 1", "DELETE, 1", "PUT, 1"})
  void onlyWritesAreCounted(String method, long expected) {
    ApiRequestCounter c = new ApiRequestCounter();
    c.record(method, "/api/v1/namespaces/default/pods/a", "sim");
    assertThat(c.total("sim")).isEqualTo(expected);
  }
}
