package io.pipool.simulator.node;

import java.nio.file.Path;

/**
 * One simulated Raspberry Pi: its name, its own loopback address and its own folders.
 *
 * @param index 1-based position in the rack
 * @param name Kubernetes node name (pi-1, pi-2, ...)
 * @param address the node's own loopback address (127.0.1.1, 127.0.1.2, ...)
 * @param root the node's folder
 */
public record SimNode(int index, String name, String address, Path root) {

  /** The node's fake /proc/sys. */
  public Path procSys() {
    return root.resolve("proc/sys");
  }

  /** The node's fake /sys (the agent reads class/thermal/thermal_zone0 under it). */
  public Path sysfs() {
    return root.resolve("sys");
  }

  /** Where the agent saves the original sysctls (the host's /var/lib/pi-pool). */
  public Path stateFile() {
    return root.resolve("var/lib/pi-pool/sysctl-originals.json");
  }

  /** The thermal zone file holding millidegrees. */
  public Path temperatureFile() {
    return sysfs().resolve("class/thermal/thermal_zone0/temp");
  }

  /** A scratch folder for the node's agent (rendered config, logs of a separate process). */
  public Path work() {
    return root.resolve("work");
  }

  /**
   * The loopback address of node {@code index}: 127.0.1.1 to 127.0.1.254, then 127.0.2.1 and on, so
   * a few hundred nodes fit without touching 127.0.0.1.
   */
  public static String addressOf(int index) {
    if (index < 1 || index > 254 * 254) {
      throw new IllegalArgumentException(
          "node index: " + index + " is out of range; allowed is 1 to " + 254 * 254);
    }
    int zeroBased = index - 1;
    return "127.0." + (1 + zeroBased / 254) + "." + (1 + zeroBased % 254);
  }
}
