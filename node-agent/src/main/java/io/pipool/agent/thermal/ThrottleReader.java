package io.pipool.agent.thermal;

import io.pipool.api.agent.ThrottleFlags;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@code vcgencmd get_throttled} when the binary exists and parses its hex flags. */
public final class ThrottleReader {

  /**
   * The outcome of one run.
   *
   * @param flags the decoded flags, null when unavailable
   * @param error why they are unavailable, null when available or when vcgencmd is absent
   */
  public record Result(ThrottleFlags flags, String error) {}

  private static final Pattern OUTPUT = Pattern.compile("throttled=0x([0-9a-fA-F]{1,8})");
  private final Path vcgencmd;

  /** Uses the binary at {@code vcgencmd}. */
  public ThrottleReader(Path vcgencmd) {
    this.vcgencmd = vcgencmd;
  }

  /** True when the binary exists and may be run. */
  public boolean available() {
    return Files.isExecutable(vcgencmd);
  }

  /** Parses {@code throttled=0x50005}; empty when the text is anything else. */
  public static Optional<ThrottleFlags> parse(String output) {
    if (output == null) {
      return Optional.empty();
    }
    Matcher m = OUTPUT.matcher(output.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(ThrottleFlags.of((int) Long.parseLong(m.group(1), 16)));
  }

  /** Runs the binary (blocking, up to 5 s); never throws. */
  public Result read() {
    if (!available()) {
      return new Result(null, null);
    }
    try {
      Process p =
          new ProcessBuilder(vcgencmd.toString(), "get_throttled")
              .redirectErrorStream(true)
              .start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(null, vcgencmd + " get_throttled did not finish within 5 s");
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return parse(out)
          .map(f -> new Result(f, null))
          .orElseGet(
              () ->
                  new Result(
                      null,
                      "unexpected vcgencmd output \""
                          + (out.length() > 60 ? out.substring(0, 60) + "..." : out)
                          + "\" (exit "
                          + p.exitValue()
                          + ")"));
    } catch (IOException e) {
      return new Result(null, "cannot run " + vcgencmd + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, "interrupted while running " + vcgencmd);
    }
  }
}
