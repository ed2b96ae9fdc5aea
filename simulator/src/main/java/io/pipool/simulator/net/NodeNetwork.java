package io.pipool.simulator.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network namespace of the simulator's own holding the simulated nodes' addresses, so that pods
 * get IPs a real API server accepts (loopback ones are refused for endpoints) and are still
 * reachable only from this machine.
 *
 * <p>Layout: the namespace {@code pipool-sim-K} is joined to the host by one veth pair. Inside, its
 * end carries every node's address, {@code 198.18.4K.N/22} (198.18.0.0/15 is the RFC 2544
 * benchmarking range, never a real host). The host end carries the gateway address {@link #GATEWAY}
 * (one /32, the same for every slot, so the API server certificate names one address) and a
 * connected route to the slot's /22, so the host reaches the nodes and the nodes reach the gateway
 * without forwarding. K is a slot claimed with a lock file, so several simulators can run side by
 * side; a slot whose owner died is reclaimed. Nothing writes host sysctls.
 */
public final class NodeNetwork implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeNetwork.class);

  /** The host-side address every namespace reaches the host by (the API relay listens there). */
  public static final String GATEWAY = "198.19.255.254";

  /** Slots of /22 in 198.18.0.0/16. */
  static final int SLOTS = 64;

  /** Usable node addresses per slot (a /22 less network, broadcast). */
  public static final int MAX_NODES = 1022;

  private static final Path LOCKS = Path.of("/run/pi-pool-sim");

  private final int slot;
  private final int nodes;
  private final Path lock;
  private final Thread hook;
  private boolean closed;

  private NodeNetwork(int slot, int nodes, Path lock) {
    this.slot = slot;
    this.nodes = nodes;
    this.lock = lock;
    this.hook = new Thread(this::teardown, "pi-pool-sim-netns-cleanup");
  }

  /** Why a namespace cannot be made here (not root, no iproute2), or empty when it can be tried. */
  public static Optional<String> unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return Optional.of(
          "creating a network namespace needs root (running as "
              + System.getProperty("user.name")
              + ")");
    }
    try {
      if (run(List.of("ip", "-V")).code != 0) {
        return Optional.of("the ip command (iproute2) does not work here");
      }
    } catch (IllegalStateException e) {
      return Optional.of("no ip command: install iproute2 (apt-get install -y iproute2)");
    }
    return Optional.empty();
  }

  /** Claims a free slot and creates its namespace with {@code nodes} addresses. */
  public static NodeNetwork create(int nodes) {
    if (nodes < 1 || nodes > MAX_NODES) {
      throw new IllegalArgumentException(
          "nodes: " + nodes + " is out of range; allowed is 1 to " + MAX_NODES);
    }
    unavailableReason()
        .ifPresent(
            why -> {
              throw new IllegalStateException(why);
            });
    try {
      Files.createDirectories(LOCKS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + LOCKS, e);
    }
    for (int k = 0; k < SLOTS; k++) {
      Path lock = LOCKS.resolve("slot-" + k + ".pid");
      if (claim(lock)) {
        NodeNetwork net = new NodeNetwork(k, nodes, lock);
        Runtime.getRuntime().addShutdownHook(net.hook);
        try {
          net.setUp();
        } catch (RuntimeException e) {
          net.close();
          throw e;
        }
        return net;
      }
    }
    throw new IllegalStateException(
        "all " + SLOTS + " simulator network slots are in use (see " + LOCKS + ")");
  }

  private static boolean claim(Path lock) {
    String me = Long.toString(ProcessHandle.current().pid());
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.writeString(
            lock, me, StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE_NEW);
        return true;
      } catch (FileAlreadyExistsException e) {
        if (ownerAlive(lock)) {
          return false;
        }
        // the owner died without cleaning up: its namespace is reclaimed by setUp()
        try {
          Files.deleteIfExists(lock);
        } catch (IOException ex) {
          return false;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + lock, e);
      }
    }
    return false;
  }

  private static boolean ownerAlive(Path lock) {
    try {
      long pid = Long.parseLong(Files.readString(lock).trim());
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (IOException | NumberFormatException e) {
      // half-written by an owner that is just starting: treat as taken
      return true;
    }
  }

  private void setUp() {
    removeLeftovers();
    String ns = namespace();
    String host = hostLink();
    String inside = innerLink();
    must("ip", "netns", "add", ns);
    must("ip", "link", "add", host, "type", "veth", "peer", "name", inside, "netns", ns);
    must("ip", "addr", "add", GATEWAY + "/32", "dev", host);
    must("ip", "link", "set", host, "up");
    must("ip", "route", "add", subnet(), "dev", host, "src", GATEWAY);
    List<String> batch = new ArrayList<>();
    batch.add("link set lo up");
    batch.add("link set " + inside + " up");
    for (int i = 1; i <= nodes; i++) {
      batch.add("addr add " + nodeAddress(i) + "/22 dev " + inside);
    }
    batch.add("route add " + GATEWAY + "/32 dev " + inside);
    Path script;
    try {
      script = Files.createTempFile("pi-pool-netns", ".batch");
      Files.write(script, batch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ip batch file", e);
    }
    try {
      must("ip", "-n", ns, "-batch", script.toString());
    } finally {
      script.toFile().delete();
    }
    LOG.info("network namespace {}: {} node addresses in {}", ns, nodes, subnet());
  }

  private void removeLeftovers() {
    run(List.of("ip", "link", "del", hostLink()));
    run(List.of("ip", "netns", "del", namespace()));
  }

  /** The namespace's name. */
  public String namespace() {
    return "pipool-sim-" + slot;
  }

  /** The host end of the veth pair. */
  String hostLink() {
    return "ppsim" + slot;
  }

  private String innerLink() {
    return "ppsim" + slot + "-ns";
  }

  /** The slot's node subnet, e.g. 198.18.0.0/22. */
  public String subnet() {
    return dotted(base(slot)) + "/22";
  }

  /** The address of node {@code index} (1-based): 198.18.4K.1, 198.18.4K.2, ... */
  public String nodeAddress(int index) {
    return address(slot, index);
  }

  /** The address of node {@code index} in slot {@code slot}. */
  static String address(int slot, int index) {
    if (index < 1 || index > MAX_NODES) {
      throw new IllegalArgumentException(
          "node index: " + index + " is out of range; allowed is 1 to " + MAX_NODES);
    }
    return dotted(base(slot) + index);
  }

  /** The command prefix that runs a program inside the namespace. */
  public List<String> execPrefix() {
    return List.of("ip", "netns", "exec", namespace());
  }

  private static int base(int slot) {
    return (198 << 24) | (18 << 16) | ((slot * 4) << 8);
  }

  static String dotted(int a) {
    return ((a >>> 24) & 255)
        + "."
        + ((a >>> 16) & 255)
        + "."
        + ((a >>> 8) & 255)
        + "."
        + (a & 255);
  }

  /** Removes the veth pair and the namespace, and frees the slot. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    teardown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs teardown, which is idempotent
    }
  }

  private synchronized void teardown() {
    if (closed) {
      return;
    }
    closed = true;
    removeLeftovers();
    try {
      Files.deleteIfExists(lock);
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", lock, e.toString());
    }
  }

  private static void must(String... command) {
    Result r = run(List.of(command));
    if (r.code != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + r.output.trim());
    }
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
