package io.pipool.agent.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;
import io.pipool.api.agent.AgentConfig.Logging;
import java.io.OutputStream;

/**
 * Logback's configuration until {@code serve} has read the agent's own (then {@link LogSetup}
 * replaces it with the configured level and format): plain lines on stderr, INFO, libraries at
 * WARN. Found by logback through {@code META-INF/services}, in code rather than a {@code
 * logback.xml}: parsing XML in a JVM that has compiled nothing yet took about a fifth of the
 * agent's start-up (docs/tuning.md, "Start-up"). A configuration file of the user's own still wins:
 * with {@code -Dlogback.configurationFile} or a {@code logback-test.xml} on the class path this
 * steps aside for logback's file-based configuration.
 */
public final class LogBootstrap extends ContextAwareBase implements Configurator {

  /** The system property naming a logback configuration file. */
  static final String CONFIGURATION_FILE = "logback.configurationFile";

  /** The file logback's own configurator looks for first on the class path. */
  static final String TEST_FILE = "logback-test.xml";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    boolean userFile =
        System.getProperty(CONFIGURATION_FILE) != null
            || LogBootstrap.class.getClassLoader().getResource(TEST_FILE) != null;
    return configure(context, userFile, System.err);
  }

  /**
   * Configures {@code context} to write to {@code out}, unless the user has a file of their own.
   */
  static ExecutionStatus configure(LoggerContext context, boolean userFile, OutputStream out) {
    if (userFile) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogSetup.configure(context, new Logging(false, Logging.Level.INFO), null, null, out);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
