package io.pipool.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Configures java.util.logging (which Vert.x, and through slf4j-jdk14 Netty and Fabric8, log to):
 * one line per record on stderr, plain or JSON for log shippers such as Filebeat into ELK.
 */
public final class LogSetup {

  private static final ObjectMapper JSON = new ObjectMapper();

  private LogSetup() {}

  /** Installs the handler on the root logger. */
  public static void configure(boolean json, String level, String node, String pod) {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      root.removeHandler(h);
    }
    Level lvl = toJul(level);
    ConsoleHandler handler = new ConsoleHandler();
    handler.setLevel(lvl);
    handler.setFormatter(json ? new JsonFormatter(node, pod) : new PlainFormatter());
    root.addHandler(handler);
    root.setLevel(lvl);
    // Library chatter stays at WARNING unless DEBUG was asked for.
    Level libs = lvl.intValue() <= Level.FINE.intValue() ? lvl : Level.WARNING;
    for (String lib : new String[] {"io.netty", "io.vertx", "io.fabric8", "okhttp3"}) {
      Logger.getLogger(lib).setLevel(libs);
    }
  }

  static Level toJul(String level) {
    return switch (level) {
      case "DEBUG" -> Level.FINE;
      case "WARN" -> Level.WARNING;
      case "ERROR" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }

  static String levelName(Level l) {
    if (l.intValue() >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (l.intValue() >= Level.WARNING.intValue()) {
      return "WARN";
    }
    return l.intValue() >= Level.INFO.intValue() ? "INFO" : "DEBUG";
  }

  /** {@code 2025-01-01T00:00:00Z INFO logger - message}. */
  static final class PlainFormatter extends Formatter {
    @Override
    public String format(LogRecord r) {
      String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
      StringBuilder sb =
          new StringBuilder()
              .append(Instant.ofEpochMilli(r.getMillis()))
              .append(' ')
              .append(String.format("%-5s", levelName(r.getLevel())))
              .append(' ')
              .append(logger.substring(logger.lastIndexOf('.') + 1))
              .append(" - ")
              .append(formatMessage(r));
      if (r.getThrown() != null) {
        sb.append('\n').append(stack(r.getThrown()));
      }
      return sb.append('\n').toString();
    }
  }

  /** One JSON object per line. */
  static final class JsonFormatter extends Formatter {
    private final String node;
    private final String pod;

    JsonFormatter(String node, String pod) {
      this.node = node;
      this.pod = pod;
    }

    @Override
    public String format(LogRecord r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("@timestamp", Instant.ofEpochMilli(r.getMillis()).toString());
      m.put("level", levelName(r.getLevel()));
      m.put("logger", r.getLoggerName());
      m.put("message", formatMessage(r));
      if (node != null && !node.isEmpty()) {
        m.put("node", node);
      }
      if (pod != null && !pod.isEmpty()) {
        m.put("pod", pod);
      }
      if (r.getThrown() != null) {
        m.put("error", stack(r.getThrown()));
      }
      try {
        return JSON.writeValueAsString(m) + "\n";
      } catch (JsonProcessingException e) {
        return "{\"message\":\"unformattable log record\"}\n";
      }
    }
  }

  private static String stack(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString().trim();
  }
}
