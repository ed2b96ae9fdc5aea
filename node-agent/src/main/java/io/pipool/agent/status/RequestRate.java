package io.pipool.agent.status;

/**
 * Request rate over a sliding window of samples of the running total: fed once a second, reports
 * requests per second over the last few seconds.
 */
public final class RequestRate {

  private final long[] times;
  private final long[] totals;
  private int next;
  private int size;

  /** A window of {@code samples} samples. */
  public RequestRate(int samples) {
    this.times = new long[samples];
    this.totals = new long[samples];
  }

  /** Records the running total at a time in milliseconds. */
  public synchronized void sample(long millis, long total) {
    times[next] = millis;
    totals[next] = total;
    next = (next + 1) % times.length;
    size = Math.min(size + 1, times.length);
  }

  /** Requests per second between the oldest and newest sample; 0 with fewer than two. */
  public synchronized double perSecond() {
    if (size < 2) {
      return 0;
    }
    int newest = (next - 1 + times.length) % times.length;
    int oldest = size < times.length ? 0 : next;
    long dt = times[newest] - times[oldest];
    return dt <= 0 ? 0 : (totals[newest] - totals[oldest]) * 1000.0 / dt;
  }
}
