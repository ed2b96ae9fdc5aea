package io.pipool.agent.status;

import io.pipool.agent.thermal.TemperatureReading;
import io.pipool.api.agent.SysctlReport;
import io.pipool.api.agent.ThrottleFlags;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything one agent knows about itself, shared by its verticles, monitors and pod watcher. What
 * readers must see together (the mode's inputs, the connection cap they set, the thermal sample) is
 * one immutable {@link Snapshot}, replaced whole by writers that take turns; counters are atomic.
 */
public final class AgentState {

  /**
   * The agent's mode and what it rests on, as of one change: a reader never sees part of one.
   *
   * @param labelServing whether the operator (or the initial mode) has this agent in rotation
   * @param servingSource why, in a few words (the label, or why it cannot be followed)
   * @param shedding whether the agent sheds load
   * @param shedReason why it started or stopped shedding
   * @param draining whether the agent drains (shuts down)
   * @param limit the connection cap the gate holds for this state
   * @param thermal the latest thermal sample
   */
  public record Snapshot(
      boolean labelServing,
      String servingSource,
      boolean shedding,
      String shedReason,
      boolean draining,
      int limit,
      Thermal thermal) {

    /** The mode and why. */
    public ServingState serving() {
      return ServingState.of(draining, shedding, shedReason, labelServing, servingSource);
    }

    Snapshot withLabel(boolean serving, String source) {
      return new Snapshot(serving, source, shedding, shedReason, draining, limit, thermal);
    }

    Snapshot withShedding(boolean on, String reason, int cap) {
      return new Snapshot(labelServing, servingSource, on, reason, draining, cap, thermal);
    }

    Snapshot withDraining(int cap) {
      return new Snapshot(labelServing, servingSource, shedding, shedReason, true, cap, thermal);
    }

    Snapshot withThermal(Thermal sample) {
      return new Snapshot(
          labelServing, servingSource, shedding, shedReason, draining, limit, sample);
    }
  }

  /**
   * One thermal sample.
   *
   * @param temperature the temperature reading
   * @param throttle throttle flags, null when unavailable
   * @param throttleError why the flags are unavailable, null when available or vcgencmd is absent
   */
  public record Thermal(
      TemperatureReading temperature, ThrottleFlags throttle, String throttleError) {

    static final Thermal NOT_READ =
        new Thermal(TemperatureReading.failed(null, "not read yet"), null, null);
  }

  private final Clock clock;
  private final Instant startedAt;
  private final Admission gate;
  private final LongAdder requests = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final RequestRate rate = new RequestRate(6);
  private final Object writing = new Object();

  // written only while holding `writing`, after the gate has its new cap
  private volatile Snapshot now;
  private volatile List<SysctlReport> sysctls = List.of();

  /** State at start, with the initial serving mode and its source. */
  public AgentState(Clock clock, Admission gate, boolean initialServing, String source) {
    this.clock = clock;
    this.startedAt = clock.instant();
    this.gate = gate;
    this.now =
        new Snapshot(initialServing, source, false, "", false, gate.limit(), Thermal.NOT_READ);
  }

  /** The mode, its inputs, the cap and the thermal sample, all as of one change. */
  public Snapshot snapshot() {
    return now;
  }

  /** The current mode and why. */
  public ServingState serving() {
    return now.serving();
  }

  /**
   * Sets whether the operator has this agent in rotation, and why; returns whether it had before.
   */
  public boolean labelServing(boolean serving, String source) {
    synchronized (writing) {
      Snapshot s = now;
      now = s.withLabel(serving, source);
      return s.labelServing();
    }
  }

  /** Says why the agent keeps the rotation it has (it cannot follow the label now). */
  public void servingSource(String source) {
    synchronized (writing) {
      now = now.withLabel(now.labelServing(), source);
    }
  }

  /** Whether the operator (or the initial mode) has this agent in rotation. */
  public boolean labelServing() {
    return now.labelServing();
  }

  /** Starts or stops shedding; lowers or restores the connection cap at once. */
  public void shedding(boolean on, String reason) {
    synchronized (writing) {
      gate.shedding(on);
      now = now.withShedding(on, reason, gate.limit());
    }
  }

  /** Whether the agent sheds now. */
  public boolean shedding() {
    return now.shedding();
  }

  /** Enters draining: not ready, no new connections. */
  public void drain() {
    synchronized (writing) {
      gate.drain();
      now = now.withDraining(gate.limit());
    }
  }

  /** Whether the agent drains. */
  public boolean draining() {
    return now.draining();
  }

  /**
   * Records a thermal sample together with the shedding decision taken on it (lowering or restoring
   * the cap), so that no reader sees the sample without the decision.
   */
  public void thermal(Thermal sample, boolean shedding, String shedReason) {
    synchronized (writing) {
      gate.shedding(shedding);
      now = now.withShedding(shedding, shedReason, gate.limit()).withThermal(sample);
    }
  }

  /** The latest temperature reading. */
  public TemperatureReading temperature() {
    return now.thermal().temperature();
  }

  /** Records the latest sysctl drift check. */
  public void sysctls(List<SysctlReport> reports) {
    this.sysctls = List.copyOf(reports);
  }

  /** The latest sysctl drift check. */
  public List<SysctlReport> sysctls() {
    return sysctls;
  }

  /** A request has started. */
  public void requestStarted() {
    requests.increment();
    inFlight.incrementAndGet();
  }

  /** A request has finished (answered or its connection closed). */
  public void requestFinished() {
    inFlight.decrementAndGet();
  }

  /** Requests being processed now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Requests since start. */
  public long requestsTotal() {
    return requests.sum();
  }

  /** Samples the request total for the rate; called once a second. */
  public void sampleRate() {
    rate.sample(clock.millis(), requests.sum());
  }

  /** Requests per second over the last few seconds. */
  public double requestsPerSecond() {
    return rate.perSecond();
  }

  /** The connection gate. */
  public Admission gate() {
    return gate;
  }

  /** The clock. */
  public Clock clock() {
    return clock;
  }

  /** When the agent started. */
  public Instant startedAt() {
    return startedAt;
  }
}
