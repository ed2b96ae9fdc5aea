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
 * Everything one agent knows about itself, shared by its verticles, monitors and pod watcher.
 * Written from several threads, so every field is volatile or atomic.
 */
public final class AgentState {

  private final Clock clock;
  private final Instant startedAt;
  private final Admission gate;
  private final LongAdder requests = new LongAdder();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final RequestRate rate = new RequestRate(6);

  private volatile boolean labelServing;
  private volatile String servingSource;
  private volatile boolean shedding;
  private volatile String shedReason = "";
  private volatile boolean draining;
  private volatile TemperatureReading temperature = TemperatureReading.failed(null, "not read yet");
  private volatile ThrottleFlags throttle;
  private volatile String throttleError;
  private volatile List<SysctlReport> sysctls = List.of();

  /** State at start, with the initial serving mode and its source. */
  public AgentState(Clock clock, Admission gate, boolean initialServing, String source) {
    this.clock = clock;
    this.startedAt = clock.instant();
    this.gate = gate;
    this.labelServing = initialServing;
    this.servingSource = source;
  }

  /** The current mode and why. */
  public ServingState serving() {
    return ServingState.of(draining, shedding, shedReason, labelServing, servingSource);
  }

  /** Sets whether the operator has this agent in rotation. */
  public void labelServing(boolean serving, String source) {
    this.labelServing = serving;
    this.servingSource = source;
  }

  /** Whether the operator (or the initial mode) has this agent in rotation. */
  public boolean labelServing() {
    return labelServing;
  }

  /** Starts or stops shedding; lowers or restores the connection cap at once. */
  public void shedding(boolean on, String reason) {
    this.shedReason = reason;
    this.shedding = on;
    gate.shedding(on);
  }

  /** Whether the agent sheds now. */
  public boolean shedding() {
    return shedding;
  }

  /** Enters draining: not ready, no new connections. */
  public void drain() {
    draining = true;
    gate.drain();
  }

  /** Whether the agent drains. */
  public boolean draining() {
    return draining;
  }

  /** Records a temperature reading. */
  public void temperature(TemperatureReading reading) {
    this.temperature = reading;
  }

  /** The latest temperature reading. */
  public TemperatureReading temperature() {
    return temperature;
  }

  /** Records throttle flags (null when unavailable) and why they are unavailable. */
  public void throttle(ThrottleFlags flags, String error) {
    this.throttle = flags;
    this.throttleError = error;
  }

  /** The latest throttle flags, null when unavailable. */
  public ThrottleFlags throttle() {
    return throttle;
  }

  /** Why throttle flags are unavailable, null when available or vcgencmd is absent. */
  public String throttleError() {
    return throttleError;
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
