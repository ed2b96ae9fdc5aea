package io.pipool.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipool.api.agent.AgentConfig.Logging;
import io.pipool.api.agent.AgentConfig.Logging.Level;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogSetupTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A context of the test's own, so the JVM's logging is left alone. */
  private final LoggerContext context = new LoggerContext();

  LogSetupTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  private List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void plainLinesCarryTimeLevelShortLoggerAndMessage() {
    LogSetup.configure(context, new Logging(false, Level.INFO), "pi-1", "web-agent-x", out);
    context.getLogger("io.pipool.agent.NodeAgent").info("serving {} on {}", "Echo", 8080);

    assertThat(lines())
        .singleElement()
        .asString()
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO NodeAgent - serving Echo on 8080");
  }

  @Test
  void jsonLinesCarryTheFieldsLogShippersIndexOnePerLine() throws Exception {
    LogSetup.configure(context, new Logging(true, Level.INFO), "pi-1", "web-agent-x", out);
    context.getLogger("io.pipool.agent.NodeAgent").info("a \"quoted\"\nmessage");
    context
        .getLogger("io.pipool.agent.server.Proxy")
        .warn("upstream failed", new IllegalStateException("refused"));

    List<String> lines = lines();
    assertThat(lines).hasSize(2);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.get("@timestamp").asText()).endsWith("Z");
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("logger").asText()).isEqualTo("io.pipool.agent.NodeAgent");
    assertThat(first.get("message").asText()).isEqualTo("a \"quoted\"\nmessage");
    assertThat(first.get("node").asText()).isEqualTo("pi-1");
    assertThat(first.get("pod").asText()).isEqualTo("web-agent-x");
    assertThat(first.has("error")).isFalse();
    JsonNode second = new ObjectMapper().readTree(lines.get(1));
    assertThat(second.get("level").asText()).isEqualTo("WARN");
    assertThat(second.get("error").asText()).contains("IllegalStateException: refused");
  }

  @Test
  void theLevelIsTheAgentsAndLibrariesStayQuietBelowDebug() {
    LogSetup.configure(context, new Logging(false, Level.WARN), null, null, out);
    context.getLogger("io.pipool.agent.NodeAgent").info("not shown");
    context.getLogger("io.pipool.agent.NodeAgent").warn("shown");
    assertThat(lines()).singleElement().asString().endsWith("WARN NodeAgent - shown");

    out.reset();
    LogSetup.configure(context, new Logging(false, Level.INFO), null, null, out);
    context.getLogger("io.netty.channel.Foo").info("library chatter");
    context.getLogger("io.pipool.agent.NodeAgent").info("agent news");
    assertThat(lines()).singleElement().asString().endsWith("agent news");

    out.reset();
    LogSetup.configure(context, new Logging(false, Level.DEBUG), null, null, out);
    context.getLogger("io.netty.channel.Foo").debug("library detail");
    assertThat(lines()).singleElement().asString().endsWith("DEBUG Foo - library detail");
  }

  @Test
  void configuringAgainKeepsWritingToTheSameStderr() {
    // stderr is a PrintStream: once closed it drops every later line without a word
    PrintStream stderr = new PrintStream(out, true, StandardCharsets.UTF_8);
    LogBootstrap.configure(context, false, stderr);
    context.getLogger("io.pipool.agent.cli.Main").info("before the configuration is read");

    LogSetup.configure(context, new Logging(false, Level.INFO), "pi-1", "web-agent-x", stderr);
    context.getLogger("io.pipool.agent.cli.Main").info("serving Echo");

    assertThat(stderr.checkError()).as("stderr closed or failed").isFalse();
    assertThat(lines()).hasSize(2).last().asString().endsWith("INFO Main - serving Echo");
  }
}
