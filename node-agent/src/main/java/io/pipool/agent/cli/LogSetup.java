package io.pipool.agent.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import io.pipool.api.agent.AgentConfig;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Configures logback, the agent's one logging backend (Vert.x, Netty and Fabric8 log through slf4j
 * too): one record per line on stderr, either plain ({@code 2025-01-01T00:00:00.000Z INFO NodeAgent
 * - message}) or, with {@code logging.json}, one JSON object ({@link JsonLineLayout}) for log
 * shippers. Runs in {@code serve} before the agent starts; the embedded agent (the simulator) logs
 * wherever its host's slf4j backend says.
 */
final class LogSetup {

  static final String PLAIN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} %level %logger{0} - %msg%n%ex";

  /** Libraries whose chatter stays at WARN unless DEBUG was asked for. */
  static final String[] LIBRARIES = {"io.netty", "io.vertx", "io.fabric8", "okhttp3"};

  private LogSetup() {}

  /**
   * Replaces {@code context}'s configuration: {@code logging}'s level and format, written to {@code
   * out}; {@code node} and {@code pod} go into every JSON line (null when unknown). {@code out} is
   * never closed, so it may be configured again (the bootstrap's, then the agent's own).
   */
  static void configure(
      LoggerContext context,
      AgentConfig.Logging logging,
      String node,
      String pod,
      OutputStream out) {
    context.reset();
    Layout<ILoggingEvent> layout;
    if (logging.json()) {
      layout = new JsonLineLayout(node, pod);
    } else {
      PatternLayout pattern = new PatternLayout();
      pattern.setPattern(PLAIN);
      layout = pattern;
    }
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setLayout(layout);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("stderr");
    appender.setEncoder(encoder);
    appender.setImmediateFlush(true);
    // the stream is the caller's (stderr): stopping the appender, as the next configure's reset
    // does, must not close it
    appender.setOutputStream(new KeptOpen(out));
    appender.start();

    Level level = Level.toLevel(logging.level().name());
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(level);
    root.addAppender(appender);
    Level libraries = level == Level.DEBUG ? Level.DEBUG : Level.WARN;
    for (String library : LIBRARIES) {
      context.getLogger(library).setLevel(libraries);
    }
  }

  /** The caller's stream, flushed but never closed by logback. */
  private static final class KeptOpen extends FilterOutputStream {

    KeptOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
