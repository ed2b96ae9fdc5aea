package io.pipool.agent.cli;

import io.pipool.api.agent.AgentConfig;
import io.vertx.core.logging.SLF4JLogDelegateFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Configures slf4j-simple, the agent's one logging backend (Vert.x, Netty and Fabric8 log through
 * slf4j too): one line per event on stderr, {@code 2025-01-01T00:00:00.000Z INFO NodeAgent -
 * message}. slf4j-simple reads its settings once, when the first logger is made, so this runs
 * before anything logs; a {@code -Dorg.slf4j.simpleLogger...} flag on the command line wins.
 */
final class LogSetup {

  private static final String PREFIX = "org.slf4j.simpleLogger.";

  /** Libraries whose chatter stays at WARN unless DEBUG was asked for. */
  private static final String[] LIBRARIES = {"io.netty", "io.vertx", "io.fabric8", "okhttp3"};

  private LogSetup() {}

  /** Sets slf4j-simple's properties for {@code level} (unless set already). */
  static void configure(AgentConfig.Logging.Level level) {
    properties(level).forEach((k, v) -> System.getProperties().putIfAbsent(k, v));
  }

  /** slf4j-simple's properties for {@code level}, and Vert.x's choice of slf4j. */
  static Map<String, String> properties(AgentConfig.Logging.Level level) {
    String name = level.name().toLowerCase(Locale.ROOT);
    Map<String, String> p = new LinkedHashMap<>();
    p.put(PREFIX + "defaultLogLevel", name);
    p.put(PREFIX + "showDateTime", "true");
    p.put(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    p.put(PREFIX + "showThreadName", "false");
    p.put(PREFIX + "showShortLogName", "true");
    p.put(PREFIX + "logFile", "System.err");
    // Vert.x finds slf4j by itself unless a JUL configuration is on the class path; say it
    p.put("vertx.logger-delegate-factory-class-name", SLF4JLogDelegateFactory.class.getName());
    String libraries = level == AgentConfig.Logging.Level.DEBUG ? name : "warn";
    for (String lib : LIBRARIES) {
      p.put(PREFIX + "log." + lib, libraries);
    }
    return p;
  }
}
