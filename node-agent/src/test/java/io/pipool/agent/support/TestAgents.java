package io.pipool.agent.support;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.config.ConfigLoader;
import io.pipool.api.agent.AgentConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Fixtures: agents on loopback with free ports and fake procfs/sysfs folders. */
public final class TestAgents {

  private TestAgents() {}

  /** Settings for an agent whose files all live under {@code dir}, plus {@code overrides}. */
  public static AgentConfig settings(Path dir, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("PIPOOL_SERVER_HOST", "127.0.0.1");
    env.put("PIPOOL_SERVER_ADMINHOST", "127.0.0.1");
    env.put("PIPOOL_SERVER_PORT", "0");
    env.put("PIPOOL_SERVER_ADMINPORT", "0");
    env.put("PIPOOL_SERVER_EVENTLOOPS", "1");
    env.put("PIPOOL_SYSCTLS_PROCROOT", dir.resolve("proc").toString());
    env.put("PIPOOL_SYSCTLS_STATEFILE", dir.resolve("state.json").toString());
    env.put("PIPOOL_THERMAL_SYSFSROOT", dir.resolve("sys").toString());
    env.put("PIPOOL_THERMAL_VCGENCMD", dir.resolve("vcgencmd").toString());
    env.put("PIPOOL_THERMAL_POLLINTERVALSECONDS", "1");
    env.put("PIPOOL_SHUTDOWNGRACESECONDS", "2");
    env.put("PIPOOL_LIMITSFILE", dir.resolve("limits").toString());
    env.putAll(overrides);
    return ConfigLoader.load(null, env);
  }

  /** Starts an agent without a cluster. */
  public static Future<NodeAgent> start(Vertx vertx, AgentConfig settings) {
    return NodeAgent.start(vertx, settings, null, Clock.systemUTC());
  }

  /** Writes a fake thermal zone under {@code dir}/sys. */
  public static void thermalZone(Path dir, int zone, String type, String temp) {
    Path z = dir.resolve("sys/class/thermal/thermal_zone" + zone);
    write(z.resolve("type"), type + "\n");
    write(z.resolve("temp"), temp + "\n");
  }

  /** Writes a file, creating folders. */
  public static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
