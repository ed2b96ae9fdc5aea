package io.pipool.api.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status document keeps its shape on the wire: the operator reads what the agent writes. */
class AgentStatusJsonTest {

  private final ObjectMapper json = new ObjectMapper();

  @Test
  void roundTripsAndUsesStableFieldNames() throws Exception {
    AgentStatus status =
        new AgentStatus(
            "pi-1",
            "web-agent-x7",
            "0.1.0",
            AgentStatus.ServingMode.Serving,
            "labelled serving",
            42,
            new AgentStatus.Connections(3120, 9000, 7, 4000),
            812.5,
            100_000,
            new AgentStatus.Thermal(
                61.3, "thermal_zone0 (cpu-thermal)", null, ThrottleFlags.of(0x50000)),
            List.of(
                new SysctlReport(
                    "net.core.somaxconn", "4096", "4096", "128", SysctlReport.State.Applied, null)),
            "2026-11-25T02:00:00Z");
    String text = json.writeValueAsString(status);
    JsonNode tree = json.readTree(text);
    assertThat(tree.path("connections").path("active").asLong()).isEqualTo(3120);
    assertThat(tree.path("thermal").path("temperatureCelsius").asDouble()).isEqualTo(61.3);
    assertThat(tree.path("thermal").has("sensorError")).isFalse();
    assertThat(tree.path("servingMode").asText()).isEqualTo("Serving");
    assertThat(json.readValue(text, AgentStatus.class)).isEqualTo(status);
  }

  @Test
  void aDocumentWithoutARequestRateHasAnUnknownRateNotZero() throws Exception {
    // An agent that does not report requestsPerSecond (an older one, or a partial document) must
    // not look idle to an autoscaler scaling on requests per second.
    String text =
        "{\"node\":\"pi-1\",\"servingMode\":\"Serving\",\"connections\":{\"active\":12,"
            + "\"total\":40,\"rejected\":0,\"limit\":4000},\"requestsTotal\":9}";

    AgentStatus status = json.readValue(text, AgentStatus.class);

    assertThat(status.connections().active()).isEqualTo(12);
    assertThat(status.requestsPerSecond()).isNull();
  }
}
