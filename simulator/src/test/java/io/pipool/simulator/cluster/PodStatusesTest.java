package io.pipool.simulator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status documents as they reach the API server. */
class PodStatusesTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void aRunningPodClearsTheMessageOfAnEarlierCrashAndListsEveryCondition() throws Exception {
    JsonNode patch =
        Serialization.jsonMapper()
            .readTree(
                PodStatuses.mergePatch(
                    PodStatuses.running(List.of("init"), "agent", 2, true, T, "127.0.1.1")));
    JsonNode status = patch.get("status");
    assertThat(status.has("message")).isTrue();
    assertThat(status.get("message").isNull()).as("merge patch: null removes it").isTrue();
    assertThat(status.get("phase").asText()).isEqualTo("Running");
    assertThat(status.get("podIPs").get(0).get("ip").asText()).isEqualTo("127.0.1.1");
    assertThat(status.get("conditions").findValuesAsText("type"))
        .containsExactly("PodScheduled", "Initialized", "ContainersReady", "Ready");
    assertThat(status.get("containerStatuses").get(0).get("restartCount").asInt()).isEqualTo(2);
    assertThat(status.get("containerStatuses").get(0).get("started").asBoolean()).isTrue();
  }

  @Test
  void aCrashKeepsItsReasonInTheMessage() throws Exception {
    JsonNode status =
        Serialization.jsonMapper()
            .readTree(
                PodStatuses.mergePatch(
                    PodStatuses.crashLooping(List.of(), "agent", 1, "exited 1", T, "127.0.1.1")))
            .get("status");
    assertThat(status.get("message").asText()).isEqualTo("exited 1");
    assertThat(status.at("/containerStatuses/0/state/waiting/reason").asText())
        .isEqualTo("CrashLoopBackOff");
  }
}
