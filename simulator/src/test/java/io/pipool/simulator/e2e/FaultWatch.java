package io.pipool.simulator.e2e;

import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Watches a pool through one fault, from the moment it is made: every change of an agent pod's
 * serving label (from the simulator's pod watch) and of {@code status.desiredReplicas} (from the
 * API server, while it answers), sampled every 200 ms, and the load's requests and failures at the
 * front. A change the fault's scenario does not explain (the load and the heat are held still) is a
 * label flap or a scale decision made on missing data.
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
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fault-watch");
            t.setDaemon(true);
            return t;
          });
  private final List<Flip> flips = Collections.synchronizedList(new ArrayList<>());
  private final List<Integer> decisions = Collections.synchronizedList(new ArrayList<>());
  private Map<String, Boolean> lastServing;
  private Integer lastDesired;

  private FaultWatch(String fault, SimCluster c, LoadGenerator load) {
    this.fault = fault;
    this.c = c;
    this.load = load;
    this.before = load.stats();
    this.lastServing = serving();
    this.lastDesired = desired();
    timer.scheduleWithFixedDelay(this::sample, 200, 200, TimeUnit.MILLISECONDS);
  }

  /** Starts watching; call right before making the fault. */
  static FaultWatch start(String fault, SimCluster c, LoadGenerator load) {
    return new FaultWatch(fault, c, load);
  }

  /** Time since the watch started. */
  Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private void sample() {
    Map<String, Boolean> now = serving();
    now.forEach(
        (node, s) -> {
          Boolean was = lastServing.get(node);
          if (was != null && !was.equals(s)) {
            flips.add(new Flip(node, s));
          }
        });
    lastServing = now;
    Integer d = desired();
    if (d != null && lastDesired != null && !d.equals(lastDesired)) {
      decisions.add(d);
    }
    if (d != null) {
      lastDesired = d;
    }
  }

  /** Serving label per node, of the pool's agent pods not being deleted. */
  private Map<String, Boolean> serving() {
    Map<String, Boolean> out = new TreeMap<>();
    for (Pod p : c.sim.cache().pods()) {
      Map<String, String> labels = p.getMetadata().getLabels();
      if (labels != null
          && SimCluster.POOL.equals(labels.get(PiServerPool.POOL_LABEL))
          && c.ns.equals(p.getMetadata().getNamespace())
          && !PodFacts.terminating(p)
          && p.getSpec().getNodeName() != null) {
        out.put(p.getSpec().getNodeName(), "true".equals(labels.get(PiServerPool.SERVING_LABEL)));
      }
    }
    return out;
  }

  private Integer desired() {
    try {
      PiServerPool p = c.pool();
      return p == null || p.getStatus() == null ? null : p.getStatus().getDesiredReplicas();
    } catch (RuntimeException e) {
      return null; // the API server is away (a fault of its own): nothing published either
    }
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
    sample();
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
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
