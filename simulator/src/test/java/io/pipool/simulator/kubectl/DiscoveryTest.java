package io.pipool.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.simulator.cluster.EmbeddedApiServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  private final Discovery discovery = Discovery.of(List.of(EmbeddedApiServer.crd()));

  /** What kubectl reads: the document as JSON. */
  private static JsonNode json(Object document) {
    return Serialization.jsonMapper().valueToTree(document);
  }

  private static JsonNode entry(Object document, String name) {
    JsonNode list = json(document);
    for (JsonNode r : list.path("resources")) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError(name + " is not in " + list);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void piServerPoolsAreDiscoverableByTheirShortNameAndCategory() {
    var list = discovery.resourceList("pipool.io/v1alpha1").orElseThrow();
    JsonNode pools = entry(list, "piserverpools");
    assertThat(pools.path("kind").asText()).isEqualTo("PiServerPool");
    assertThat(pools.path("namespaced").asBoolean()).isTrue();
    assertThat(texts(pools.path("shortNames"))).containsExactly("pisp");
    assertThat(texts(pools.path("categories"))).containsExactly("pipool");
    assertThat(texts(pools.path("verbs"))).contains("get", "list", "watch", "patch");
    assertThat(entry(list, "piserverpools/status").path("kind").asText()).isEqualTo("PiServerPool");
    assertThat(entry(list, "piserverpools/scale").path("kind").asText()).isEqualTo("Scale");
  }

  @Test
  void theGroupListNamesEveryGroupOnceWithItsPreferredVersion() {
    JsonNode groups = json(discovery.apiGroupList()).path("groups");
    List<String> names = new ArrayList<>();
    groups.forEach(g -> names.add(g.path("name").asText()));
    assertThat(names)
        .doesNotHaveDuplicates()
        .contains("apps", "events.k8s.io", "pipool.io", "apiextensions.k8s.io");
    groups.forEach(
        g ->
            assertThat(g.path("preferredVersion").path("groupVersion").asText())
                .startsWith(g.path("name").asText() + "/"));
  }

  @Test
  void theCoreGroupHoldsWhatDescribeAndTheSimulatorTouch() {
    assertThat(texts(json(discovery.apiVersions("127.0.0.1:1")).path("versions")))
        .containsExactly("v1");
    var core = discovery.resourceList("v1").orElseThrow();
    assertThat(texts(entry(core, "pods").path("shortNames"))).containsExactly("po");
    assertThat(entry(core, "events").path("namespaced").asBoolean()).isTrue();
    assertThat(entry(core, "nodes").path("namespaced").asBoolean()).isFalse();
    assertThat(discovery.resourceList("example.com/v1")).isEmpty();
    assertThat(discovery.find("apps/v1", "daemonsets")).isPresent();
  }

  @Test
  void apiPathsAreTakenApart() {
    assertThat(ApiPath.parse("/apis/pipool.io/v1alpha1/namespaces/default/piserverpools/web"))
        .contains(new ApiPath("pipool.io/v1alpha1", "default", "piserverpools", "web", null));
    assertThat(ApiPath.parse("/api/v1/namespaces/default/pods/p1/status?x=1"))
        .contains(new ApiPath("v1", "default", "pods", "p1", "status"));
    assertThat(ApiPath.parse("/api/v1/namespaces/default"))
        .contains(new ApiPath("v1", null, "namespaces", "default", null));
    assertThat(ApiPath.parse("/apis/pipool.io/v1alpha1/piserverpools"))
        .contains(new ApiPath("pipool.io/v1alpha1", null, "piserverpools", null, null));
    assertThat(ApiPath.parse("/version")).isEmpty();
  }
}
