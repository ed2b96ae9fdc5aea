package io.pipool.simulator.e2e;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.simulator.cluster.PodFacts;
import io.pipool.simulator.load.LoadGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Watches a pool through one fault, from the moment it is made: every change of an agent pod's
 * serving label and of {@code status.desiredReplicas}, as the API server's watch events deliver
 * them (not sampled: a flap between two looks is seen too), and the load's requests and failures at
 * the front. A change the fault's scenario does not explain (the load and the heat are held still)
 * is a label flap or a scale decision made on missing data. What no watch can show is a change made
 * and undone while the watch was broken (the API server away): the informers list again when it is
 * back and see only where things ended.
 */
final class FaultWatch implements AutoCloseable {

  /** Where every run's figures are appended, one line per fault. */
  static final Path FIGURES = Path.of("target/fault-figures.txt");

  /** One change of a node's serving label. */
  record Flip(String node, boolean serving) {}

  /**
   * What a user would notice of one fault.
   *
   * @param untilCorrectMillis from the fault until the pool was right again
   * @param flaps serving-label changes the scenario does not explain
   * @param decisionsOnMissingData desiredReplicas values published that the scenario does not
   *     explain
   * @param requests responses the load got in the window
   * @param failed requests failed at the front in the window (failed connects, connections closed
   *     by a node, error statuses other than a shedding node's 503)
   * @param allDecisions every desiredReplicas value published in the window, explained or not
   */
  record Figures(
      String fault,
      long untilCorrectMillis,
      List<Flip> flaps,
      List<Integer> decisionsOnMissingData,
      long requests,
      long failed,
      List<Integer> allDecisions) {

    String line() {
      return String.format(
          "%s fault=\"%s\" untilCorrect=%.1fs flaps=%d decisionsOnMissingData=%d requests=%d"
              + " failed=%d desiredPublished=%s load=%s",
          Instant.now(),
          fault,
          untilCorrectMillis / 1000.0,
          flaps.size(),
          decisionsOnMissingData.size(),
          requests,
          failed,
          allDecisions,
          loadAverage());
    }
  }

  private final String fault;
  private final SimCluster c;
  private final LoadGenerator load;
  private final long startNanos = System.nanoTime();
  private final LoadGenerator.Stats before;
  // written by the informers' event threads, read by the test's
  private final List<Flip> flips = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> decisions = Collections.synchronizedList(new ArrayList<>());
  private final List<String> changes = Collections.synchronizedList(new ArrayList<>());
  // serving label by pod name
  private final Map<String, Boolean> lastServing = new ConcurrentHashMap<>();
  private volatile Integer lastDesired;
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<PiServerPool> pools;

  private FaultWatch(String fault, SimCluster c, LoadGenerator load) {
    this.fault = fault;
    this.c = c;
    this.load = load;
    this.before = load.stats();
    // inform() returns once each informer has listed: the first events are where things stand
    this.pods =
        c.client
            .pods()
            .inNamespace(c.ns)
            .withLabel(PiServerPool.POOL_LABEL, SimCluster.POOL)
            .inform(handler(this::pod, this::forget), 0);
    this.pools =
        c.client
            .resources(PiServerPool.class)
            .inNamespace(c.ns)
            .withName(SimCluster.POOL)
            .inform(handler(this::pool, p -> {}), 0);
  }

  /** Starts watching; call right before making the fault. */
  static FaultWatch start(String fault, SimCluster c, LoadGenerator load) {
    return new FaultWatch(fault, c, load);
  }

  /** Time since the watch started. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** How many label changes and published decisions the watch has seen so far. */
  int changes() {
    return changes.size();
  }

  /** The changes after the first {@code seen}, in the order they came, for failure messages. */
  List<String> changesAfter(int seen) {
    List<String> all = List.copyOf(changes);
    return all.subList(Math.min(seen, all.size()), all.size());
  }

  private static <T> ResourceEventHandler<T> handler(Consumer<T> seen, Consumer<T> gone) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.accept(obj);
      }

      @Override
      public void onUpdate(T old, T obj) {
        seen.accept(obj);
      }

      @Override
      public void onDelete(T obj, boolean finalStateUnknown) {
        gone.accept(obj);
      }
    };
  }

  /** One agent pod as the watch delivers it: a change of its node's label is a flip. */
  private void pod(Pod p) {
    Map<String, String> labels = p.getMetadata().getLabels();
    String node = p.getSpec().getNodeName();
    if (node == null || labels == null) {
      return;
    }
    if (PodFacts.terminating(p)) {
      forget(p);
      return;
    }
    boolean s = "true".equals(labels.get(PiServerPool.SERVING_LABEL));
    Boolean was = lastServing.put(p.getMetadata().getName(), s);
    if (was != null && was != s) {
      flips.add(new Flip(node, s));
      changes.add(node + (s ? " labelled serving" : " labelled not serving"));
    }
  }

  /** A pod going or gone: its node's next pod starts afresh (its first label is no flip). */
  private void forget(Pod p) {
    lastServing.remove(p.getMetadata().getName());
  }

  /** The pool as the watch delivers it: a new desiredReplicas is a decision. */
  private void pool(PiServerPool p) {
    Integer d = p.getStatus() == null ? null : p.getStatus().getDesiredReplicas();
    if (d == null) {
      return;
    }
    Integer was = lastDesired;
    if (was != null && !d.equals(was)) {
      decisions.add(d);
      changes.add("desiredReplicas " + was + " -> " + d);
    }
    lastDesired = d;
  }

  /**
   * Stops watching and returns the figures.
   *
   * @param explainedFlip a label change the fault's scenario explains (a scale-up it asked for)
   * @param explainedDecision a published desiredReplicas the scenario explains
   */
  Figures finish(
      Duration untilCorrect, Predicate<Flip> explainedFlip, Predicate<Integer> explainedDecision) {
    close();
    LoadGenerator.Stats after = load.stats();
    Figures f =
        new Figures(
            fault,
            untilCorrect.toMillis(),
            List.copyOf(flips).stream().filter(explainedFlip.negate()).toList(),
            List.copyOf(decisions).stream().filter(explainedDecision.negate()).toList(),
            after.requests() - before.requests(),
            after.errors() - before.errors(),
            List.copyOf(decisions));
    String line = f.line();
    System.out.println("FAULT-FIGURES " + line);
    try {
      Files.createDirectories(FIGURES.getParent());
      Files.writeString(FIGURES, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  @Override
  public void close() {
    pods.close();
    pools.close();
  }

  private static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + "/" + l[1] + "/" + l[2];
    } catch (IOException e) {
      return "?";
    }
  }
}
