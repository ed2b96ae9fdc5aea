package io.pipool.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ServiceSpec;
import io.pipool.operator.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentResourcesTest {

  @ParameterizedTest(name = "{0} port {1} nodePort {2} -> {3}")
  @CsvSource(
      nullValues = "null",
      value = {
        "ClusterIP, 80, null, null",
        "NodePort, 8080, 30080, 30080",
        "LoadBalancer, 443, null, null",
        "LoadBalancer, 80, 31000, 31000",
      })
  void theServiceHasTheSpecsTypeAndPortAndSelectsServingAgentsOnly(
      ServiceSpec.Type type, int port, Integer nodePort, Integer expectedNodePort) {
    PiServerPool pool = Fixtures.stored("ns", "web");
    pool.getSpec().getService().setType(type);
    pool.getSpec().getService().setPort(port);
    pool.getSpec().getService().setNodePort(nodePort);
    pool.getSpec().getServer().setPort(9000);
    Service svc = AgentResources.service(pool);
    assertThat(svc.getMetadata().getName()).isEqualTo("web");
    assertThat(svc.getSpec().getType()).isEqualTo(type.name());
    assertThat(svc.getSpec().getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getPort()).isEqualTo(port);
              assertThat(p.getTargetPort().getIntVal()).isEqualTo(9000);
              assertThat(p.getNodePort()).isEqualTo(expectedNodePort);
            });
    assertThat(svc.getSpec().getSelector()).containsOnlyKeys("pipool.io/pool", "pipool.io/serving");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"configMap", "serviceAccount", "role", "roleBinding"})
  void agentObjectsAreNamedAfterThePoolAndOwnedByIt(String which) {
    PiServerPool pool = Fixtures.stored("shop", "cart");
    var object =
        switch (which) {
          case "configMap" -> AgentResources.configMap(pool);
          case "serviceAccount" -> AgentResources.serviceAccount(pool);
          case "role" -> AgentResources.role(pool);
          default -> AgentResources.roleBinding(pool);
        };
    assertThat(object.getMetadata().getName()).isEqualTo("cart-agent");
    assertThat(object.getMetadata().getNamespace()).isEqualTo("shop");
    assertThat(object.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getUid()).isEqualTo("uid-cart");
              assertThat(o.getController()).isTrue();
            });
    assertThat(object.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/instance", "cart")
        .containsEntry("pipool.io/pool", "cart");
  }
}
