package io.pipool.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogSetupTest {

  private static LogRecord record(Level level, String message, Throwable thrown) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName("io.pipool.agent.NodeAgent");
    r.setThrown(thrown);
    return r;
  }

  @Test
  void jsonLinesCarryTheFieldsLogShippersIndex() throws Exception {
    String line =
        new LogSetup.JsonFormatter("pi-3", "agent-x")
            .format(
                record(Level.WARNING, "shedding \"load\"\nnow", new IllegalStateException("hot")));

    assertThat(line).endsWith("\n").doesNotContain("\nnow");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("WARN");
    assertThat(json.get("message").asText()).isEqualTo("shedding \"load\"\nnow");
    assertThat(json.get("logger").asText()).isEqualTo("io.pipool.agent.NodeAgent");
    assertThat(json.get("node").asText()).isEqualTo("pi-3");
    assertThat(json.get("pod").asText()).isEqualTo("agent-x");
    assertThat(json.get("error").asText()).contains("IllegalStateException: hot");
    assertThat(json.get("@timestamp").asText()).endsWith("Z");
  }

  @Test
  void plainLinesAreOneLinePerRecord() {
    String line = new LogSetup.PlainFormatter().format(record(Level.INFO, "serving Echo", null));
    assertThat(line).matches("\\S+Z INFO  NodeAgent - serving Echo\n");
  }
}
