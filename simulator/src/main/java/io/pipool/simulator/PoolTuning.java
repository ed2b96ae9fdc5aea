package io.pipool.simulator;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.pipool.api.v1alpha1.AutoscalingSpec;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.ScalingPolicy;
import io.pipool.api.v1alpha1.ScalingRules;
import io.pipool.api.validation.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Changes a pool manifest for a short simulated run: the ports (free ones on this machine), a
 * faster poll, and a shorter scale-down window, so a story that takes an hour on real Pis fits in
 * two minutes. Null fields leave the manifest's value.
 *
 * @param port traffic port
 * @param adminPort admin port
 * @param pollIntervalSeconds how often the operator polls the agents
 * @param targetConnectionsPerReplica connections one serving node should carry
 * @param scaleDownWindowSeconds scale-down stabilization window
 * @param minReplicas fewest serving nodes
 * @param maxReplicas most serving nodes
 */
public record PoolTuning(
    Integer port,
    Integer adminPort,
    Integer pollIntervalSeconds,
    Integer targetConnectionsPerReplica,
    Integer scaleDownWindowSeconds,
    Integer minReplicas,
    Integer maxReplicas) {

  /**
   * Reads a PiServerPool manifest.
   *
   * @throws IllegalArgumentException when a value has the wrong type or is outside an enum (the
   *     message names the spec path and the allowed values); writing such a pool would replace the
   *     value with its default
   */
  public static PiServerPool read(Path manifest) {
    PiServerPool pool;
    try (InputStream in = Files.newInputStream(manifest)) {
      pool = Serialization.unmarshal(in, PiServerPool.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read pool manifest " + manifest, e);
    }
    if (pool.getSpec() != null && !pool.getSpec().getParseViolations().isEmpty()) {
      throw new IllegalArgumentException(
          manifest
              + ": "
              + pool.getSpec().getParseViolations().stream()
                  .map(Violation::message)
                  .collect(Collectors.joining("; ")));
    }
    return pool;
  }

  /** Applies the tuning to {@code pool} (in place) and returns it. */
  public PiServerPool apply(PiServerPool pool) {
    var spec = pool.getSpec();
    if (port != null) {
      spec.getServer().setPort(port);
    }
    if (adminPort != null) {
      spec.getServer().setAdminPort(adminPort);
    }
    AutoscalingSpec a = spec.getAutoscaling();
    if (a == null) {
      a = new AutoscalingSpec();
      spec.setAutoscaling(a);
    }
    if (pollIntervalSeconds != null) {
      a.setPollIntervalSeconds(pollIntervalSeconds);
    }
    if (targetConnectionsPerReplica != null) {
      a.setTargetConnectionsPerReplica(targetConnectionsPerReplica);
    }
    if (minReplicas != null) {
      a.setMinReplicas(minReplicas);
    }
    if (maxReplicas != null) {
      a.setMaxReplicas(maxReplicas);
    }
    if (scaleDownWindowSeconds != null) {
      ScalingRules down = a.getScaleDown() == null ? new ScalingRules() : a.getScaleDown();
      down.setStabilizationWindowSeconds(scaleDownWindowSeconds);
      if (down.getPolicies() != null) {
        // keep the manifest's policies but compress their periods as much as the window
        int period = Math.max(1, scaleDownWindowSeconds / 2);
        for (ScalingPolicy p : down.getPolicies()) {
          if (p.getPeriodSeconds() != null && p.getPeriodSeconds() > period) {
            p.setPeriodSeconds(period);
          }
        }
      }
      a.setScaleDown(down);
    }
    return pool;
  }

  /** Nothing changed. */
  public static PoolTuning none() {
    return new PoolTuning(null, null, null, null, null, null, null);
  }

  /** The ports changed only. */
  public PoolTuning withPorts(int newPort, int newAdminPort) {
    return new PoolTuning(
        newPort,
        newAdminPort,
        pollIntervalSeconds,
        targetConnectionsPerReplica,
        scaleDownWindowSeconds,
        minReplicas,
        maxReplicas);
  }
}
