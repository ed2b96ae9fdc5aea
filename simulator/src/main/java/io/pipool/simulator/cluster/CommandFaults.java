package io.pipool.simulator.cluster;

import io.pipool.agent.sysctl.ProcSys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Kills chosen runs of the agent's one-shot commands ({@code apply-sysctls}, {@code
 * restore-sysctls}) part-way, leaving a node's files exactly as a SIGKILL at that point would: the
 * writes before it done, nothing after it (no error handling, no state-file update). The kubelet
 * then sees the container fail, as it would see a killed process, and retries as usual. One-shot
 * commands run in the simulator's JVM, where a real signal cannot hit only them.
 */
public final class CommandFaults {

  /** Thrown from inside a command's sysctl write: nothing of the command runs after it. */
  static final class Killed extends Error {
    Killed(int writes) {
      super("killed after " + writes + " sysctl write(s)", null, false, false);
    }
  }

  private final Map<String, Integer> armed = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> kills = new ConcurrentHashMap<>();

  /**
   * Kills the next run of {@code verb} on {@code node} once it has written {@code afterWrites}
   * sysctls (0: before its first write, with the originals possibly saved).
   */
  public void killNext(String verb, String node, int afterWrites) {
    if (!verb.equals(ContainerRecipe.APPLY) && !verb.equals(ContainerRecipe.RESTORE)) {
      throw new IllegalArgumentException(
          "verb: \""
              + verb
              + "\"; allowed are "
              + ContainerRecipe.APPLY
              + ", "
              + ContainerRecipe.RESTORE);
    }
    if (afterWrites < 0) {
      throw new IllegalArgumentException("afterWrites: must be 0 or more, was " + afterWrites);
    }
    armed.put(key(verb, node), afterWrites);
  }

  /** How many runs of {@code verb} on {@code node} were killed so far. */
  public int kills(String verb, String node) {
    AtomicInteger n = kills.get(key(verb, node));
    return n == null ? 0 : n.get();
  }

  /** Takes the armed kill of this run, if any. */
  Optional<Integer> take(String verb, String node) {
    return Optional.ofNullable(armed.remove(key(verb, node)));
  }

  void killed(String verb, String node) {
    kills.computeIfAbsent(key(verb, node), k -> new AtomicInteger()).incrementAndGet();
  }

  /** The node's /proc/sys, where the process dies at the write after {@code afterWrites}. */
  static ProcSys dyingAfter(Path root, int afterWrites) {
    return new ProcSys(root) {
      private int writes;

      @Override
      public void write(String name, String value) throws IOException {
        if (writes == afterWrites) {
          throw new Killed(writes);
        }
        super.write(name, value);
        writes++;
      }
    };
  }

  private static String key(String verb, String node) {
    return verb + "@" + node;
  }
}
