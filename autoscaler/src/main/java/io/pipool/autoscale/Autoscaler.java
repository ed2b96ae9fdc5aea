package io.pipool.autoscale;

import java.time.Clock;
import java.util.List;
import java.util.Set;

/** Decides which pool nodes serve. Pure: same inputs and clock, same decision. */
public interface Autoscaler {

  /**
   * One decision.
   *
   * @param policy the pool's scaling and thermal settings
   * @param samples the latest sample of every agent pod in the pool
   * @param currentServing nodes whose pods carry pipool.io/serving=true now
   * @param memory node states, recommendations and scale moves from status ({@link Memory#EMPTY}
   *     for a new pool)
   * @param clock the time source
   */
  Decision decide(
      ScalePolicy policy,
      List<NodeSample> samples,
      Set<String> currentServing,
      Memory memory,
      Clock clock);
}
