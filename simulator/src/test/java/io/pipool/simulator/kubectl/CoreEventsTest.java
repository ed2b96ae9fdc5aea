package io.pipool.simulator.kubectl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CoreEventsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode eventV1(String uid, String pool, String reason, String time)
      throws Exception {
    return JSON.readTree(
        """
        {"apiVersion":"events.k8s.io/v1","kind":"Event",
         "metadata":{"name":"%1$s","namespace":"default","uid":"%1$s"},
         "regarding":{"apiVersion":"pipool.io/v1alpha1","kind":"PiServerPool","name":"%2$s",
                      "namespace":"default","uid":"uid-%2$s"},
         "reason":"%3$s","note":"note of %3$s","type":"Normal","action":"%3$s",
         "reportingController":"pipool.io/pi-pool-operator","reportingInstance":"op-1",
         "eventTime":"%4$s"}
        """
            .formatted(uid, pool, reason, time));
  }

  private static List<String> reasons(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.path("items").forEach(e -> out.add(e.path("reason").asText()));
    return out;
  }

  @Test
  void anEventsV1EventReadsAsCoreV1WithItsInvolvedObjectAndMessage() throws Exception {
    JsonNode core =
        CoreEvents.toCore(eventV1("e1", "web", "ScaledUp", "2026-01-01T12:00:00.000001Z"));
    assertThat(core.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(core.path("involvedObject").path("name").asText()).isEqualTo("web");
    assertThat(core.path("involvedObject").path("kind").asText()).isEqualTo("PiServerPool");
    assertThat(core.path("message").asText()).isEqualTo("note of ScaledUp");
    assertThat(core.path("reportingComponent").asText()).isEqualTo("pipool.io/pi-pool-operator");
    assertThat(core.path("eventTime").asText()).isEqualTo("2026-01-01T12:00:00.000001Z");
  }

  @Test
  void describesFieldSelectorPicksThePoolsEventsOnceEachOldestFirst() throws Exception {
    JsonNode late = eventV1("e2", "web", "Drained", "2026-01-01T12:05:00.000000Z");
    JsonNode early = eventV1("e1", "web", "ScaledUp", "2026-01-01T12:00:00.000000Z");
    JsonNode other = eventV1("e3", "api", "ScaledUp", "2026-01-01T12:01:00.000000Z");
    // the mock lists events.k8s.io Events under core/v1 too: the same event in both lists
    JsonNode list =
        CoreEvents.list(
            List.of(late, other),
            List.of(late, early, other),
            "involvedObject.namespace=default,involvedObject.kind=PiServerPool,"
                + "involvedObject.uid=uid-web,involvedObject.name=web");
    assertThat(list.path("kind").asText()).isEqualTo("EventList");
    assertThat(reasons(list)).containsExactly("ScaledUp", "Drained");
  }

  @Test
  void notEqualTermsAndTheSourceAliasWork() throws Exception {
    JsonNode e = CoreEvents.toCore(eventV1("e1", "web", "ScaledUp", "2026-01-01T12:00:00Z"));
    assertThat(FieldSelector.parse("reason!=Drained,involvedObject.name==web").matches(e)).isTrue();
    assertThat(FieldSelector.parse("reason!=ScaledUp").matches(e)).isFalse();
    assertThat(FieldSelector.parse("source=").matches(e)).isTrue();
    assertThat(FieldSelector.parse("").matches(e)).isTrue();
  }

  @Test
  void aSelectorTermWithoutAnOperatorIsRefused() {
    assertThatThrownBy(() -> FieldSelector.parse("involvedObject.name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fieldSelector")
        .hasMessageContaining("involvedObject.name");
  }
}
