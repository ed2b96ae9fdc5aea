package io.pipool.agent.server;

import java.util.HashMap;
import java.util.Map;

/**
 * Concurrent upstream requests per client source address, so that one client cannot hold more than
 * its share of an upstream pool. Used from one event loop only (as the pool it guards).
 */
final class SourceCap {

  private final int max;
  private final Map<String, Integer> held = new HashMap<>();

  SourceCap(int max) {
    this.max = max;
  }

  /** Takes a slot for {@code source}; false when it already holds {@code max}. */
  boolean tryAcquire(String source) {
    int n = held.getOrDefault(source, 0);
    if (n >= max) {
      return false;
    }
    held.put(source, n + 1);
    return true;
  }

  /** Gives back a slot taken by {@link #tryAcquire}. */
  void release(String source) {
    held.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
  }

  /** Slots {@code source} holds now. */
  int held(String source) {
    return held.getOrDefault(source, 0);
  }
}
