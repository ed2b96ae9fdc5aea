package io.pipool.simulator.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates and updates a simulated node's fake /proc/sys and /sys/class/thermal.
 *
 * <p>The seeded sysctls are representative kernel defaults of a current 64-bit Raspberry Pi OS
 * (Bookworm, kernel 6.x) on a 4 GB Pi 4. The fixed defaults are the kernel's own (port range 32768
 * to 60999, netdev_max_backlog 1000, ...); values the kernel sizes from memory (SYN backlog,
 * conntrack table, socket buffers) are typical figures for 4 GB, not measured on one board. Since
 * Linux 5.4 {@code net.core.somaxconn} already defaults to 4096, so the HighConcurrency profile
 * changes the SYN backlog and the port range but finds somaxconn already right (older images,
 * kernel 4.19, had 128).
 */
public final class NodeFiles {

  /** The seeded sysctls, dotted name to value as /proc/sys prints it (tabs in lists). */
  public static final Map<String, String> PI_OS_DEFAULTS = piOsDefaults();

  private NodeFiles() {}

  private static Map<String, String> piOsDefaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("net.core.somaxconn", "4096");
    m.put("net.core.netdev_max_backlog", "1000");
    m.put("net.core.rmem_max", "212992");
    m.put("net.core.wmem_max", "212992");
    m.put("net.ipv4.tcp_max_syn_backlog", "512");
    m.put("net.ipv4.ip_local_port_range", "32768\t60999");
    m.put("net.ipv4.ip_local_reserved_ports", ""); // every kernel has it, empty unless set
    m.put("net.ipv4.tcp_fin_timeout", "60");
    m.put("net.ipv4.tcp_tw_reuse", "2");
    m.put("net.ipv4.tcp_keepalive_time", "7200");
    m.put("net.ipv4.tcp_rmem", "4096\t131072\t6291456");
    m.put("net.ipv4.tcp_wmem", "4096\t16384\t4194304");
    m.put("net.ipv4.ip_forward", "1");
    m.put("net.netfilter.nf_conntrack_max", "65536");
    m.put("fs.file-max", "9223372036854775807");
    m.put("fs.nr_open", "1048576");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Creates the node's folders, seeds /proc/sys and an idle thermal zone. */
  public static void seed(SimNode node, double initialCelsius) {
    try {
      for (Map.Entry<String, String> e : PI_OS_DEFAULTS.entrySet()) {
        Path f = node.procSys().resolve(e.getKey().replace('.', '/'));
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.getValue() + "\n");
      }
      Path zone = node.temperatureFile().getParent();
      Files.createDirectories(zone);
      Files.writeString(zone.resolve("type"), "cpu-thermal\n");
      Files.createDirectories(node.stateFile().getParent());
      Files.createDirectories(node.work());
      writeTemperature(node, initialCelsius);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the files of node " + node.name(), e);
    }
  }

  /**
   * Writes the temperature as the kernel does (integer millidegrees), replacing the file atomically
   * so the agent never reads half a number.
   */
  public static void writeTemperature(SimNode node, double celsius) {
    Path file = node.temperatureFile();
    Path tmp = file.resolveSibling(".temp.tmp");
    try {
      Files.writeString(tmp, Math.round(celsius * 1000) + "\n");
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the temperature of node " + node.name(), e);
    }
  }

  /** Reads one sysctl from the node's fake /proc/sys, whitespace normalised; null when missing. */
  public static String readSysctl(SimNode node, String name) {
    Path f = node.procSys().resolve(name.replace('.', '/'));
    try {
      return Files.readString(f).trim().replaceAll("\\s+", " ");
    } catch (IOException e) {
      return null;
    }
  }
}
