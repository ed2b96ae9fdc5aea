package io.pipool.agent.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * One JSON object per log record, for Filebeat or Logstash: {@code @timestamp}, {@code level},
 * {@code logger}, {@code message}, {@code node}, {@code pod}, and {@code error} when a throwable
 * came with the record.
 */
final class JsonLineLayout extends LayoutBase<ILoggingEvent> {

  private static final JsonFactory JSON = new JsonFactory();

  private final String node;
  private final String pod;

  JsonLineLayout(String node, String pod) {
    this.node = node;
    this.pod = pod;
  }

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter line = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(line)) {
      g.writeStartObject();
      g.writeStringField("@timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      g.writeStringField("level", event.getLevel().toString());
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("message", event.getFormattedMessage());
      if (node != null) {
        g.writeStringField("node", node);
      }
      if (pod != null) {
        g.writeStringField("pod", pod);
      }
      if (event.getThrowableProxy() != null) {
        g.writeStringField("error", ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.append(CoreConstants.LINE_SEPARATOR).toString();
  }
}
