package io.pipool.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.api.agent.AgentConfig.Logging.Level;
import org.junit.jupiter.api.Test;

class LogSetupTest {

  private static final String P = "org.slf4j.simpleLogger.";

  @Test
  void theLevelIsTheAgentsAndLibrariesStayQuietBelowDebug() {
    var props = LogSetup.properties(Level.WARN);
    assertThat(props)
        .containsEntry(P + "defaultLogLevel", "warn")
        .containsEntry(P + "log.io.netty", "warn")
        .containsEntry(P + "log.io.vertx", "warn")
        .containsEntry(P + "log.io.fabric8", "warn");
    assertThat(LogSetup.properties(Level.INFO)).containsEntry(P + "log.io.vertx", "warn");
    assertThat(LogSetup.properties(Level.DEBUG))
        .containsEntry(P + "defaultLogLevel", "debug")
        .containsEntry(P + "log.io.netty", "debug");
  }

  @Test
  void linesCarryTimeLevelShortLoggerAndMessageOnStderr() {
    assertThat(LogSetup.properties(Level.INFO))
        .containsEntry(P + "showDateTime", "true")
        .containsEntry(P + "showShortLogName", "true")
        .containsEntry(P + "showThreadName", "false")
        .containsEntry(P + "logFile", "System.err")
        .containsEntry(
            "vertx.logger-delegate-factory-class-name",
            "io.vertx.core.logging.SLF4JLogDelegateFactory");
  }
}
