package io.pipool.agent.status;

import io.pipool.agent.sysctl.DriftChecker;
import io.pipool.agent.sysctl.ProcSys;
import io.pipool.agent.sysctl.StateFile;
import io.pipool.agent.thermal.ShedPolicy;
import io.pipool.agent.thermal.TemperatureReading;
import io.pipool.agent.thermal.ThermalZones;
import io.pipool.agent.thermal.ThrottleReader;
import io.pipool.api.agent.AgentConfig;
import io.pipool.api.agent.ThrottleFlags;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodic, read-only observation: temperature and throttle flags (driving self-protection), sysctl
 * drift, and the request-rate samples. File and process work runs on worker threads; state changes
 * happen on this verticle's event loop. Completes its start after the first round, so the agent
 * never reports ready before it knows whether it is too hot.
 */
public final class MonitorVerticle extends AbstractVerticle {

  private static final Logger LOG = LoggerFactory.getLogger(MonitorVerticle.class);

  private record ThermalSample(TemperatureReading reading, ThrottleReader.Result throttle) {}

  private final AgentConfig config;
  private final AgentState state;
  private final ShedPolicy policy;
  private boolean thermalBusy;
  private boolean sysctlBusy;

  /** Monitors for one agent. */
  public MonitorVerticle(AgentConfig config, AgentState state) {
    this.config = config;
    this.state = state;
    AgentConfig.Thermal t = config.thermal();
    this.policy = new ShedPolicy(t.criticalCelsius(), t.recoverCelsius(), t.treatThrottledAsHot());
  }

  @Override
  public void start(Promise<Void> started) {
    ThermalZones zones = new ThermalZones(config.thermal().sysfsRoot());
    ThrottleReader throttle = new ThrottleReader(config.thermal().vcgencmd());
    DriftChecker drift =
        new DriftChecker(
            new ProcSys(config.sysctls().procRoot()), new StateFile(config.sysctls().stateFile()));
    state.sampleRate();
    vertx.setPeriodic(1000, id -> state.sampleRate());
    vertx.setPeriodic(
        config.thermal().pollIntervalSeconds() * 1000L, id -> pollThermal(zones, throttle));
    vertx.setPeriodic(config.sysctls().checkIntervalSeconds() * 1000L, id -> checkSysctls(drift));
    Future.all(pollThermal(zones, throttle), checkSysctls(drift))
        .onComplete(ar -> started.complete());
  }

  private Future<Void> pollThermal(ThermalZones zones, ThrottleReader throttle) {
    if (thermalBusy) {
      return Future.succeededFuture();
    }
    thermalBusy = true;
    return vertx
        .executeBlocking(() -> new ThermalSample(zones.read(), throttle.read()), false)
        .onComplete(ar -> thermalBusy = false)
        .onSuccess(this::applyThermal)
        .mapEmpty();
  }

  private void applyThermal(ThermalSample s) {
    AgentState.Snapshot before = state.snapshot();
    TemperatureReading previous = before.thermal().temperature();
    if (s.reading().error() != null && !s.reading().error().equals(previous.error())) {
      LOG.warn("temperature unavailable: {}", s.reading().error());
    }
    ThrottleFlags flags = s.throttle().flags();
    boolean throttledNow =
        flags != null
            && (flags.frequencyCapped() || flags.throttled() || flags.softTemperatureLimit());
    Double c = s.reading().celsius();
    boolean next = policy.next(before.shedding(), c, throttledNow);
    String reason = before.shedReason();
    if (next != before.shedding()) {
      reason =
          next
              ? (c != null && c >= policy.criticalCelsius()
                  ? String.format(
                      Locale.ROOT,
                      "SoC at %.1f °C, at or above critical %.1f °C",
                      c,
                      policy.criticalCelsius())
                  : "firmware throttling (" + flags.hex() + ")")
              : "cooled below " + policy.recoverCelsius() + " °C";
    }
    // the sample and the decision taken on it reach readers together
    state.thermal(new AgentState.Thermal(s.reading(), flags, s.throttle().error()), next, reason);
    if (next != before.shedding()) {
      if (next) {
        LOG.warn("shedding load: {}; connection cap {}", reason, state.snapshot().limit());
      } else {
        LOG.info("stopped shedding: {}", reason);
      }
    }
  }

  private Future<Void> checkSysctls(DriftChecker drift) {
    if (sysctlBusy) {
      return Future.succeededFuture();
    }
    sysctlBusy = true;
    return vertx
        .executeBlocking(() -> drift.check(config.sysctls().values()), false)
        .onComplete(ar -> sysctlBusy = false)
        .onSuccess(state::sysctls)
        .mapEmpty();
  }
}
