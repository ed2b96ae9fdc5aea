package io.pipool.agent.status;

import io.pipool.agent.thermal.TemperatureReading;
import io.pipool.api.agent.AgentStatus;
import io.pipool.api.agent.ThrottleFlags;
import java.time.Duration;
import java.time.Instant;

/** Builds the {@code GET /v1/status} document from the agent's state. */
public final class StatusDocument {

  private StatusDocument() {}

  /** The document now. */
  public static AgentStatus build(String node, String pod, String version, AgentState s) {
    Instant now = s.clock().instant();
    // mode, cap and thermal sample from one change, never part of one
    AgentState.Snapshot snap = s.snapshot();
    ServingState serving = snap.serving();
    TemperatureReading t = snap.thermal().temperature();
    ThrottleFlags flags = snap.thermal().throttle();
    String throttleError = snap.thermal().throttleError();
    String sensorError = t.error();
    if (flags == null && throttleError != null) {
      sensorError = sensorError == null ? throttleError : sensorError + "; " + throttleError;
    }
    return new AgentStatus(
        node,
        pod,
        version,
        serving.mode(),
        serving.reason(),
        Math.max(0, Duration.between(s.startedAt(), now).getSeconds()),
        new AgentStatus.Connections(
            s.gate().active(), s.gate().total(), s.gate().rejected(), snap.limit()),
        Math.round(s.requestsPerSecond() * 10) / 10.0,
        s.requestsTotal(),
        new AgentStatus.Thermal(t.celsius(), t.sensor(), sensorError, flags),
        s.sysctls(),
        now.toString());
  }
}
