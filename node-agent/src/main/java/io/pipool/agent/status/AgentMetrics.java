package io.pipool.agent.status;

import io.pipool.api.agent.AgentStatus.ServingMode;
import io.pipool.api.agent.SysctlReport;
import io.pipool.api.agent.ThrottleFlags;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's Prometheus metrics, in a registry of its own so that many agents can share a JVM (the
 * simulator). Counters and gauges are read from {@link AgentState} at scrape time; only the request
 * duration histogram is updated per request.
 */
public final class AgentMetrics {

  private final CollectorRegistry registry = new CollectorRegistry(true);
  private final Histogram duration;

  /**
   * The JVM's own collectors, registered by {@link #registerJvm()} once the agent is up (or at the
   * first scrape, whichever comes first) rather than at start: their set-up (the management beans,
   * a GC listener) cost about a tenth of the agent's start-up, before it could answer /readyz
   * (docs/tuning.md, "Start-up"). False once registered, or when not wanted.
   */
  private boolean jvmPending;

  /** Metrics over {@code state}; with {@code jvm} also the JVM's (memory, GC, threads...). */
  public AgentMetrics(AgentState state, boolean jvm) {
    duration =
        Histogram.build()
            .name("pipool_agent_request_duration_seconds")
            .help("Time from request head to response end on the traffic port.")
            .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    new StateCollector(state).register(registry);
    jvmPending = jvm;
  }

  /** Records one request's duration. */
  public void observe(long nanos) {
    duration.observe(nanos / 1e9);
  }

  /** The text exposition format. */
  public String scrape() {
    registerJvm();
    StringWriter out = new StringWriter(8192);
    try {
      TextFormat.write004(out, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Registers the JVM's collectors when they were asked for and are not yet; blocks meanwhile. */
  public synchronized void registerJvm() {
    if (jvmPending) {
      DefaultExports.register(registry);
      jvmPending = false;
    }
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return TextFormat.CONTENT_TYPE_004;
  }

  private static final class StateCollector extends Collector {
    private final AgentState s;

    StateCollector(AgentState s) {
      this.s = s;
    }

    @Override
    public List<MetricFamilySamples> collect() {
      List<MetricFamilySamples> out = new ArrayList<>();
      // mode, cap and thermal sample from one change, never part of one
      AgentState.Snapshot snap = s.snapshot();
      out.add(gauge("pipool_agent_connections_active", "Connections open now.", s.gate().active()));
      out.add(gauge("pipool_agent_connection_limit", "Current connection cap.", snap.limit()));
      out.add(
          counter(
              "pipool_agent_connections", "Connections accepted since start.", s.gate().total()));
      out.add(
          counter(
              "pipool_agent_connections_rejected",
              "Connections refused with 503 since start.",
              s.gate().rejected()));
      out.add(counter("pipool_agent_requests", "Requests since start.", s.requestsTotal()));
      out.add(gauge("pipool_agent_requests_in_flight", "Requests being processed.", s.inFlight()));
      Double celsius = snap.thermal().temperature().celsius();
      out.add(
          gauge(
              "pipool_agent_sensor_ok",
              "1 when the temperature could be read.",
              celsius == null ? 0 : 1));
      if (celsius != null) {
        out.add(gauge("pipool_agent_temperature_celsius", "SoC temperature.", celsius));
      }
      ThrottleFlags f = snap.thermal().throttle();
      if (f != null) {
        GaugeMetricFamily flags =
            new GaugeMetricFamily(
                "pipool_agent_throttle_flag",
                "Firmware throttle flags from vcgencmd get_throttled (1 = set).",
                List.of("flag"));
        flags.addMetric(List.of("under_voltage"), f.underVoltage() ? 1 : 0);
        flags.addMetric(List.of("frequency_capped"), f.frequencyCapped() ? 1 : 0);
        flags.addMetric(List.of("throttled"), f.throttled() ? 1 : 0);
        flags.addMetric(List.of("soft_temperature_limit"), f.softTemperatureLimit() ? 1 : 0);
        flags.addMetric(List.of("under_voltage_occurred"), f.underVoltageOccurred() ? 1 : 0);
        flags.addMetric(List.of("frequency_capped_occurred"), f.frequencyCappedOccurred() ? 1 : 0);
        flags.addMetric(List.of("throttled_occurred"), f.throttledOccurred() ? 1 : 0);
        flags.addMetric(
            List.of("soft_temperature_limit_occurred"), f.softTemperatureLimitOccurred() ? 1 : 0);
        out.add(flags);
      }
      GaugeMetricFamily drift =
          new GaugeMetricFamily(
              "pipool_agent_sysctl_drift",
              "1 when a sysctl does not hold its desired value.",
              List.of("name", "state"));
      for (SysctlReport r : s.sysctls()) {
        drift.addMetric(
            List.of(r.name(), r.state().name()), r.state() == SysctlReport.State.Applied ? 0 : 1);
      }
      out.add(drift);
      GaugeMetricFamily mode =
          new GaugeMetricFamily(
              "pipool_agent_serving_mode", "1 for the current serving mode.", List.of("mode"));
      ServingState serving = snap.serving();
      ServingMode now = serving.mode();
      for (ServingMode m : ServingMode.values()) {
        mode.addMetric(List.of(m.name()), m == now ? 1 : 0);
      }
      out.add(mode);
      out.add(gauge("pipool_agent_ready", "1 while /readyz is true.", serving.ready() ? 1 : 0));
      return out;
    }

    private static GaugeMetricFamily gauge(String name, String help, double value) {
      return new GaugeMetricFamily(name, help, value);
    }

    private static CounterMetricFamily counter(String name, String help, double value) {
      return new CounterMetricFamily(name, help, value);
    }
  }
}
