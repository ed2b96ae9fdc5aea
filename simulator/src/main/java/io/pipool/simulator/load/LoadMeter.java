package io.pipool.simulator.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests completed per node address, counted by the load generator and read by the thermal loop
 * (which turns the increments into a request rate).
 */
public final class LoadMeter {

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();

  /** One completed request to {@code address}. */
  public void request(String address) {
    requests.computeIfAbsent(address, a -> new LongAdder()).increment();
  }

  /** {@code n} completed requests to {@code address} (counted by a balancer in front). */
  public void requests(String address, long n) {
    requests.computeIfAbsent(address, a -> new LongAdder()).add(n);
  }

  /** Requests to {@code address} since the previous call for it. */
  public long takeSinceLast(String address) {
    LongAdder a = requests.get(address);
    long now = a == null ? 0 : a.sum();
    Long before = lastSeen.put(address, now);
    return now - (before == null ? 0 : before);
  }
}
