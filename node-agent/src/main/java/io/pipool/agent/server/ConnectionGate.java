package io.pipool.agent.server;

import io.pipool.agent.status.Admission;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Admission control: counts open connections against a cap that drops while shedding and closes
 * entirely while draining, and connections plus the files Static mode holds open against one
 * descriptor budget (the soft open-file limit less the agent's reserve), so that neither can make
 * an accept or an open fail for lack of descriptors. Lock-free, because every event loop of the
 * agent consults it once per new connection.
 */
public final class ConnectionGate implements Admission {

  private final int maxConnections;
  private final int shedLimit;
  private final int descriptors;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger files = new AtomicInteger();
  private final LongAdder total = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private volatile int limit;

  /**
   * A gate for {@code maxConnections}, keeping {@code shedFraction} of them while shedding (at
   * least one).
   */
  public ConnectionGate(int maxConnections, double shedFraction) {
    this(maxConnections, shedFraction, Integer.MAX_VALUE);
  }

  /**
   * A gate as above whose connections and open files together stay within {@code descriptors}
   * (Integer.MAX_VALUE when the open-file limit is unknown or unlimited).
   */
  public ConnectionGate(int maxConnections, double shedFraction, int descriptors) {
    this.descriptors = descriptors;
    this.maxConnections = maxConnections;
    this.shedLimit = Math.max(1, (int) Math.floor(maxConnections * shedFraction));
    this.limit = maxConnections;
  }

  /** Admits a new connection or counts it as rejected. */
  public boolean tryAcquire() {
    while (true) {
      int now = active.get();
      if (now >= limit || now + files.get() >= descriptors) {
        rejected.increment();
        return false;
      }
      if (active.compareAndSet(now, now + 1)) {
        total.increment();
        return true;
      }
    }
  }

  /** An admitted connection has closed. */
  public void release() {
    active.decrementAndGet();
  }

  /**
   * Takes a descriptor for a file to open; false when the budget is spent, or when open files
   * already hold their share of it (a quarter), so that files never crowd out connections.
   */
  public boolean tryOpenFile() {
    while (true) {
      int now = files.get();
      if (now >= maxFiles() || now + active.get() >= descriptors) {
        return false;
      }
      if (files.compareAndSet(now, now + 1)) {
        return true;
      }
    }
  }

  /** A file taken with {@link #tryOpenFile} is closed. */
  public void fileClosed() {
    files.decrementAndGet();
  }

  /** Files open now (counted by {@link #tryOpenFile}). */
  public int openFiles() {
    return files.get();
  }

  /** Files that may be open at once: a quarter of the descriptor budget. */
  public int maxFiles() {
    return descriptors == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.max(1, descriptors / 4);
  }

  /** Descriptors for connections and open files together. */
  public int descriptors() {
    return descriptors;
  }

  /** Lowers the cap while shedding, restores it after. */
  public void shedding(boolean on) {
    if (limit != 0) {
      limit = on ? shedLimit : maxConnections;
    }
  }

  /** Refuses every new connection from now on. */
  public void drain() {
    limit = 0;
  }

  /** Connections open now. */
  public int active() {
    return active.get();
  }

  /** Connections admitted since start. */
  public long total() {
    return total.sum();
  }

  /** Connections refused since start. */
  public long rejected() {
    return rejected.sum();
  }

  /** The current cap. */
  public int limit() {
    return limit;
  }

  /** The configured cap (after the open-file check). */
  public int maxConnections() {
    return maxConnections;
  }
}
