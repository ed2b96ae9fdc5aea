package io.pipool.operator.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.autoscale.Load;
import io.pipool.autoscale.NodeSample;
import io.pipool.operator.poll.PollResult;
import io.pipool.operator.poll.PollTarget;
import io.pipool.operator.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleMapperTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:10Z");

  @Test
  void samplesCarryLoadTemperatureAndReachability() {
    Pod p1 = Fixtures.agentPod("ns", "web", "pi-1", "10.0.0.1");
    Pod p2 = Fixtures.agentPod("ns", "web", "pi-2", "10.0.0.2");
    Pod p3 = Fixtures.agentPod("ns", "web", "pi-3", "10.0.0.3");
    p3.getStatus().setPhase("Pending");
    PollTarget t1 = new PollTarget("pi-1", p1.getMetadata().getName(), "10.0.0.1", 9090);
    PollTarget t2 = new PollTarget("pi-2", p2.getMetadata().getName(), "10.0.0.2", 9090);
    Map<String, PollResult> latest =
        Map.of(
            "pi-1", new PollResult(t1, T, Fixtures.status("pi-1", 420, 71.5, true), null),
            "pi-2", new PollResult(t2, T, null, "no answer within 1500 ms"));
    Instant earlier = T.minusSeconds(30);
    List<NodeSample> samples =
        SampleMapper.samples(
            AgentPods.byNode(List.of(p3, p2, p1)), latest, Map.of("pi-2", earlier), Map.of());
    assertThat(samples).extracting(NodeSample::node).containsExactly("pi-1", "pi-2", "pi-3");
    assertThat(samples.get(0))
        .isEqualTo(new NodeSample("pi-1", true, T, true, null, new Load(420L, 210.0), 71.5, true));
    assertThat(samples.get(1))
        .isEqualTo(
            new NodeSample(
                "pi-2",
                true,
                earlier,
                false,
                "no answer within 1500 ms",
                Load.UNKNOWN,
                null,
                false));
    assertThat(samples.get(2).ready()).isFalse();
    assertThat(samples.get(2).unreachableReason()).isEqualTo("agent not running");
  }

  @Test
  void aResultFromTheNodesPreviousPodDoesNotSpeakForTheNewOne() {
    Pod fresh = Fixtures.agentPod("ns", "web", "pi-1", "10.0.0.1");
    PollTarget old = new PollTarget("pi-1", "web-agent-old", "10.0.0.1", 9090);
    List<NodeSample> samples =
        SampleMapper.samples(
            AgentPods.byNode(List.of(fresh)),
            Map.of("pi-1", new PollResult(old, T, Fixtures.status("pi-1", 5, 50, false), null)),
            Map.of(),
            Map.of());
    assertThat(samples.get(0).reachable()).isFalse();
    assertThat(samples.get(0).unreachableReason()).isEqualTo("not polled yet");
  }
}
