package io.pipool.agent.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Connection slots that a client cannot squat: a new connection always gets one, by closing a
 * connection with no request in flight, like an LRU cache: when its source already holds {@code
 * perSource}, that source's least recently used; when all {@code slots} are taken, the least
 * recently used of the source holding the most (so a source with one connection, such as a
 * balancer's health check, loses it last). Only when every slot has a request in flight is the
 * newcomer refused. Not thread safe: one event loop owns it.
 *
 * @param <C> a connection
 */
final class AdminSlots<C> {

  /** What is known about one connection. */
  private static final class Slot {
    final String source;
    boolean busy;

    Slot(String source) {
      this.source = source;
    }
  }

  private final int slots;
  private final int perSource;
  private final Consumer<C> close;
  // access order: the first entry is the connection used least recently
  private final LinkedHashMap<C, Slot> open = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Integer> bySource = new HashMap<>();

  /**
   * @param slots connections at once
   * @param perSource connections at once from one source address
   * @param close closes a connection (its {@link #closed} follows, now or later)
   */
  AdminSlots(int slots, int perSource, Consumer<C> close) {
    this.slots = slots;
    this.perSource = perSource;
    this.close = close;
  }

  /** Takes a slot for a connection just accepted; false when refused (then it is closed). */
  boolean accept(C conn, String source) {
    if (bySource.getOrDefault(source, 0) >= perSource && !evictIdle(source)) {
      close.accept(conn);
      return false;
    }
    if (open.size() >= slots && !evictIdle(heaviestIdleSource())) {
      close.accept(conn);
      return false;
    }
    open.put(conn, new Slot(source));
    bySource.merge(source, 1, Integer::sum);
    return true;
  }

  /** A request arrived: the connection cannot be taken until it is answered. */
  void busy(C conn) {
    Slot s = open.get(conn);
    if (s != null) {
      s.busy = true;
    }
  }

  /** Its answer is written: the connection is idle again, and the most recently used. */
  void idle(C conn) {
    Slot s = open.get(conn);
    if (s != null) {
      s.busy = false;
    }
  }

  /** The connection is closed: its slot is free. */
  void closed(C conn) {
    Slot s = open.remove(conn);
    if (s != null) {
      bySource.computeIfPresent(s.source, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Connections holding a slot. */
  int size() {
    return open.size();
  }

  /** The source holding the most slots among those with an idle connection; null when none. */
  private String heaviestIdleSource() {
    String heaviest = null;
    int most = 0;
    for (Slot s : open.values()) {
      int n = bySource.get(s.source);
      if (!s.busy && n > most) {
        heaviest = s.source;
        most = n;
      }
    }
    return heaviest;
  }

  /** Closes the least recently used idle connection of {@code source}. */
  private boolean evictIdle(String source) {
    for (Map.Entry<C, Slot> e : open.entrySet()) {
      Slot s = e.getValue();
      if (!s.busy && s.source.equals(source)) {
        C victim = e.getKey();
        closed(victim); // free the slot now: the close completes later
        close.accept(victim);
        return true;
      }
    }
    return false;
  }
}
