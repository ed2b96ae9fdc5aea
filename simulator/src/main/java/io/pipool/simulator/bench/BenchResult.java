package io.pipool.simulator.bench;

import java.util.Locale;
import java.util.Map;

/**
 * What one operator-at-scale run measured.
 *
 * @param apiServer what served the API: the embedded stand-in or a real API server
 * @param nodes simulated nodes in the pool
 * @param pollSeconds the pool's poll interval
 * @param readySeconds apply until every node was polled (Serving or Standby) and labelled
 * @param stepToChangeSeconds load step until the serving set grew
 * @param stepPolls that delay in poll intervals
 * @param pollRoundMedianMs one poll round over all agents with the operator's poller, median
 * @param pollRoundMaxMs the same, slowest of the rounds
 * @param reconcileP50Ms reconcile duration p50 (upper bound of its histogram bucket)
 * @param reconcileP99Ms reconcile duration p99 (upper bound of its histogram bucket)
 * @param writesPerMinute operator API writes per minute at steady state
 * @param statusWritesPerPoll operator status writes per poll interval at steady state
 * @param writesByResource the steady-state writes by resource
 * @param peakRssMiB the operator process's peak resident set (VmHWM)
 */
public record BenchResult(
    String apiServer,
    int nodes,
    int pollSeconds,
    double readySeconds,
    double stepToChangeSeconds,
    double stepPolls,
    double pollRoundMedianMs,
    double pollRoundMaxMs,
    double reconcileP50Ms,
    double reconcileP99Ms,
    double writesPerMinute,
    double statusWritesPerPoll,
    Map<String, Long> writesByResource,
    double peakRssMiB) {

  /** One Markdown table row. */
  public String row() {
    return String.format(
        Locale.ROOT,
        "| %d | %s | %.1f s | %.1f s (%.1f polls) | %.0f ms / %.0f ms | ≤%.0f ms / ≤%.0f ms | %.1f"
            + " (%.2f status/poll) | %.0f MiB |",
        nodes,
        apiServer,
        readySeconds,
        stepToChangeSeconds,
        stepPolls,
        pollRoundMedianMs,
        pollRoundMaxMs,
        reconcileP50Ms,
        reconcileP99Ms,
        writesPerMinute,
        statusWritesPerPoll,
        peakRssMiB);
  }
}
