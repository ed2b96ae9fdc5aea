package io.pipool.agent.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Keeps {@code maxConnections} within the process's open-file limit, so the agent never fails an
 * accept (or a log write) for lack of descriptors.
 */
public final class FdBudget {

  /**
   * The decision.
   *
   * @param maxConnections the cap to use
   * @param softLimit the soft open-file limit, -1 when unknown or unlimited
   * @param warning why the cap was lowered, null when it was not
   */
  public record Result(int maxConnections, long softLimit, String warning) {}

  private FdBudget() {}

  /** Reads the soft "Max open files" limit from a /proc/self/limits style file. */
  public static OptionalLong readSoftLimit(Path limitsFile) {
    try {
      for (String line : Files.readAllLines(limitsFile)) {
        if (line.startsWith("Max open files")) {
          String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
          return parts.length > 0 && parts[0].matches("\\d+")
              ? OptionalLong.of(Long.parseLong(parts[0]))
              : OptionalLong.empty(); // "unlimited"
        }
      }
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
    return OptionalLong.empty();
  }

  /** Descriptors the process has open now (entries of /proc/self/fd), -1 when unknown. */
  public static long openNow(Path fdDir) {
    try (var entries = Files.list(fdDir)) {
      return entries.count();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Descriptors that connections and open files may take together: the soft limit less {@code
   * reserve}, at least one; Integer.MAX_VALUE when the limit is unknown or unlimited.
   */
  public static int descriptors(OptionalLong softLimit, int reserve) {
    if (softLimit.isEmpty()) {
      return Integer.MAX_VALUE;
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, softLimit.getAsLong() - reserve));
  }

  /** Caps {@code wanted} so that it plus {@code reserve} descriptors fit under the limit. */
  public static Result cap(int wanted, OptionalLong softLimit, int reserve) {
    if (softLimit.isEmpty()) {
      return new Result(wanted, -1, null);
    }
    long limit = softLimit.getAsLong();
    if (wanted + (long) reserve <= limit) {
      return new Result(wanted, limit, null);
    }
    int capped = (int) Math.max(1, limit - reserve);
    return new Result(
        capped,
        limit,
        "open-file limit "
            + limit
            + " is below maxConnections "
            + wanted
            + " + "
            + reserve
            + " reserved descriptors; capping maxConnections at "
            + capped
            + " (raise the limit, e.g. LimitNOFILE or ulimit -n)");
  }
}
