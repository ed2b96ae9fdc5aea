package io.pipool.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.v1alpha1.PiServerPoolStatus;
import io.pipool.operator.testing.Fixtures;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** When a pool waits for an agent's answer before the operator decides anything. */
class AwaitingFirstAnswerTest {

  @ParameterizedTest(name = "published decision {0}, an answer since start {1}, agent {2}: {3}")
  @CsvSource({
    // a restart or a takeover: the previous leader's decision stands
    "true, false, running, true",
    // an agent answered this operator: decide as usual (missing data never scales down)
    "true, true, running, false",
    // a new pool: no decision to keep
    "false, false, running, false",
    // no agent runs, so none can answer: the pods say so, decide on them
    "true, false, stopped, false",
  })
  void onlyAPublishedDecisionWithAnAgentThatCouldAnswerWaits(
      boolean publishedDecision, boolean answered, String agent, boolean waits) {
    PiServerPoolStatus published = new PiServerPoolStatus();
    if (publishedDecision) {
      published.setDesiredReplicas(2);
    }
    PoolMemory mem =
        answered
            ? new PoolMemory(
                Map.of(),
                Map.of("pi-1", Instant.EPOCH),
                Map.of(),
                Map.of(),
                Instant.EPOCH,
                null,
                null)
            : PoolMemory.EMPTY;
    Pod pod = Fixtures.agentPod("ns", "web", "pi-1", "127.0.0.9");
    if (agent.equals("stopped")) {
      pod.getStatus().setPhase("Pending");
    }

    assertThat(ServingPass.awaitingFirstAnswer(published, mem, Map.of("pi-1", pod)))
        .isEqualTo(waits);
  }
}
