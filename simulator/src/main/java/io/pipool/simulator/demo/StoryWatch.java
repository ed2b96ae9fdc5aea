package io.pipool.simulator.demo;

import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pipool.api.v1alpha1.NodeStatus;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.Simulator;
import io.pipool.simulator.haproxy.HaproxyFront;
import io.pipool.simulator.load.LoadGenerator;
import io.pipool.simulator.node.SimNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo reads from the cluster each second: the frame it prints, and what the summary keeps
 * (scale events, drains, nodes that became unreachable).
 */
final class StoryWatch {

  private static final String NS = DemoRun.NS;

  private final Simulator sim;
  private final Summary summary;
  private final String target;
  private final Map<String, NodeStatus.Phase> lastPhase = new HashMap<>();

  StoryWatch(Simulator sim, Summary summary, String target) {
    this.sim = sim;
    this.summary = summary;
    this.target = target;
  }

  Frame frame(
      PiServerPool pool,
      Integer endpoints,
      LoadGenerator load,
      Map<String, Integer> perNode,
      Duration t,
      long requests,
      String story,
      String name) {
    Map<String, NodeStatus> status = new HashMap<>();
    if (pool != null && pool.getStatus() != null) {
      pool.getStatus().getNodes().forEach(n -> status.put(n.getName(), n));
    }
    var stats = load.stats();
    List<Frame.Row> rows = new ArrayList<>();
    for (SimNode n : sim.nodes().values()) {
      NodeStatus s = status.get(n.name());
      rows.add(
          new Frame.Row(
              n.name(),
              n.address(),
              sim.thermal().model(n.name()).profile().label()
                  + (sim.thermal().model(n.name()).extraAmbient() > 0 ? "!" : ""),
              s == null || s.getPhase() == null ? "-" : s.getPhase().name(),
              perNode.getOrDefault(n.name(), 0),
              sim.thermal().requestsPerSecond(n.name()),
              sim.thermal().model(n.name()).celsius(),
              s == null || s.getSysctls() == null ? "-" : s.getSysctls().name()));
    }
    return new Frame(
        t,
        rows,
        pool == null || pool.getStatus() == null ? null : pool.getStatus().getDesiredReplicas(),
        serving(pool),
        endpoints,
        target,
        load.target(),
        stats.open(),
        requests,
        stats.shed(),
        stats.errors(),
        latestEvent(sim.client(), name),
        story);
  }

  static Integer serving(PiServerPool pool) {
    return pool == null || pool.getStatus() == null ? null : pool.getStatus().getReplicas();
  }

  void track(PiServerPool pool, Duration t, int open, HaproxyFront haproxy) {
    if (pool == null || pool.getStatus() == null) {
      return;
    }
    summary.desired(t, pool.getStatus().getDesiredReplicas(), open);
    for (NodeStatus n : pool.getStatus().getNodes()) {
      NodeStatus.Phase before = lastPhase.put(n.getName(), n.getPhase());
      boolean hotNow =
          n.getPhase() == NodeStatus.Phase.Hot || n.getPhase() == NodeStatus.Phase.Draining;
      boolean hotBefore = before == NodeStatus.Phase.Hot || before == NodeStatus.Phase.Draining;
      if (hotNow && !hotBefore) {
        summary.drained(
            t, n.getName(), n.getTemperatureCelsius() == null ? 0 : n.getTemperatureCelsius());
        if (haproxy != null) {
          haproxy.drained(n.getName(), t);
        }
      }
      if (n.getPhase() == NodeStatus.Phase.Unreachable
          && before != NodeStatus.Phase.Unreachable
          && before != null) {
        summary.problem("t=" + t.toSeconds() + "s " + n.getName() + " became unreachable");
      }
    }
  }

  private static String latestEvent(KubernetesClient client, String pool) {
    try {
      return client.events().v1().events().inNamespace(NS).list().getItems().stream()
          .filter(e -> e.getRegarding() != null && pool.equals(e.getRegarding().getName()))
          .max(Comparator.comparing(StoryWatch::when))
          .map(e -> e.getReason() + ": " + e.getNote())
          .orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String when(Event e) {
    if (e.getSeries() != null && e.getSeries().getLastObservedTime() != null) {
      return e.getSeries().getLastObservedTime().getTime();
    }
    return e.getEventTime() != null ? e.getEventTime().getTime() : "";
  }
}
