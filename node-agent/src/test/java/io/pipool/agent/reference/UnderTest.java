package io.pipool.agent.reference;

import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * One server the catalogue runs against: its static and proxy ports (HTTP/1.1 and h2c), the
 * upstream behind its proxy, and how to read its memory and open files.
 *
 * @param name "agent" or "nginx"
 * @param agent true for the agent (which has an admin port and a heap to read)
 * @param staticPort serves the reference files over HTTP/1.1
 * @param staticH2Port serves them over prior-knowledge h2c
 * @param proxyPort the reverse proxy over HTTP/1.1
 * @param proxyH2Port the reverse proxy over prior-knowledge h2c
 * @param adminPort the agent's admin port (-1 for nginx)
 * @param upstream what its proxy forwards to
 * @param pid the process holding the connections (the test JVM for the agent)
 */
record UnderTest(
    String name,
    boolean agent,
    int staticPort,
    int staticH2Port,
    int proxyPort,
    int proxyH2Port,
    int adminPort,
    RecordingUpstream upstream,
    LongSupplier pid) {

  /**
   * A normal GET on a fresh connection: null when answered 200 within {@link Hostile#FRESH}, else
   * what went wrong.
   */
  String fresh(boolean proxy) {
    int port = proxy ? proxyPort : staticPort;
    try (RawHttp http = new RawHttp(port, Hostile.FRESH)) {
      int status = http.get(proxy ? "/ok" : "/").read().status();
      return status == 200 ? null : "answered " + status;
    } catch (IOException e) {
      return "not answered within 1 s (" + e.getMessage() + ")";
    }
  }

  /** The in-process agent's used heap after a GC, or the RSS of nginx's worker or a child JVM. */
  String memory() {
    long bytes = memoryBytes();
    if (bytes < 0) {
      return "–";
    }
    boolean heap = agent && pid.getAsLong() == ProcessHandle.current().pid();
    return String.format(Locale.ROOT, "%s %d MiB", heap ? "heap" : "RSS", bytes >> 20);
  }

  /** As {@link #memory()}, in bytes. */
  long memoryBytes() {
    if (agent && pid.getAsLong() == ProcessHandle.current().pid()) {
      System.gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
    try (Stream<String> lines = Files.lines(Path.of("/proc/" + pid.getAsLong() + "/status"))) {
      return lines
          .filter(l -> l.startsWith("VmRSS:"))
          .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")) << 10)
          .findFirst()
          .orElse(-1);
    } catch (IOException | RuntimeException gone) {
      return -1;
    }
  }

  /** Descriptors the process holds now. */
  long openFiles() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid.getAsLong() + "/fd"))) {
      return fds.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
