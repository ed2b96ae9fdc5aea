package io.pipool.operator.autoscale;

import io.fabric8.kubernetes.api.model.Pod;
import io.pipool.api.agent.AgentStatus;
import io.pipool.autoscale.Load;
import io.pipool.autoscale.NodeSample;
import io.pipool.operator.poll.PollResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Folds agent pods and the latest poll results into the autoscaler's samples. */
public final class SampleMapper {

  private SampleMapper() {}

  /**
   * One sample per node that has an agent pod.
   *
   * @param pods agent pods by node
   * @param latest the latest poll result per node (absent: never polled)
   * @param lastGood when each node last answered, for nodes whose latest poll failed
   * @param lastGoodStatus the last valid document per node
   */
  public static List<NodeSample> samples(
      Map<String, Pod> pods,
      Map<String, PollResult> latest,
      Map<String, Instant> lastGood,
      Map<String, AgentStatus> lastGoodStatus) {
    List<NodeSample> out = new ArrayList<>();
    pods.forEach(
        (node, pod) -> {
          boolean running = AgentPods.running(pod);
          PollResult result = latest.get(node);
          // a result for another pod on this node (before a roll) says nothing about this one
          if (result != null && !result.target().pod().equals(pod.getMetadata().getName())) {
            result = null;
          }
          if (result != null && result.ok()) {
            AgentStatus s = result.status();
            out.add(
                new NodeSample(
                    node,
                    running,
                    result.at(),
                    true,
                    null,
                    new Load(
                        s.connections() == null ? null : s.connections().active(),
                        s.requestsPerSecond()),
                    s.thermal() == null ? null : s.thermal().temperatureCelsius(),
                    s.thermal() != null
                        && s.thermal().throttle() != null
                        && s.thermal().throttle().throttled()));
          } else {
            String reason =
                result != null ? result.error() : running ? "not polled yet" : "agent not running";
            AgentStatus previous = lastGoodStatus.get(node);
            out.add(
                new NodeSample(
                    node,
                    running,
                    lastGood.get(node),
                    false,
                    reason,
                    Load.UNKNOWN,
                    previous == null || previous.thermal() == null
                        ? null
                        : previous.thermal().temperatureCelsius(),
                    false));
          }
        });
    return out;
  }
}
