package io.pipool.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LogBootstrapTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final LoggerContext context = new LoggerContext();

  LogBootstrapTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  @Test
  void logbackFindsTheBootstrapAsAService() {
    assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
        .contains(LogBootstrap.class);
  }

  @Test
  void beforeTheConfigurationIsReadLinesArePlainAtInfoAndLibrariesAtWarn() {
    ExecutionStatus status = LogBootstrap.configure(context, false, out);
    context.getLogger("io.pipool.agent.cli.Main").info("reading {}", "/etc/pi-pool/agent.yaml");
    context.getLogger("io.pipool.agent.cli.Main").debug("not shown");
    context.getLogger("io.netty.channel.epoll.Epoll").info("not shown either");
    context.getLogger("io.vertx.core.impl.VertxImpl").warn("shown");

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
        .satisfiesExactly(
            first ->
                assertThat(first)
                    .matches(
                        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO Main - reading"
                            + " /etc/pi-pool/agent.yaml"),
            second -> assertThat(second).endsWith(" WARN VertxImpl - shown"));
    assertThat(context.getLogger("io.fabric8").getEffectiveLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void aConfigurationFileOfTheUsersOwnStillWins() {
    ExecutionStatus status = LogBootstrap.configure(context, true, out);

    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();
  }
}
