package io.pipool.agent.sysctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sysctl tree under a procfs root (normally /proc/sys; tests use a temporary folder). Names are
 * dotted, as {@code sysctl} prints them.
 */
public class ProcSys {

  private final Path root;

  /** The tree under {@code root}. */
  public ProcSys(Path root) {
    this.root = root;
  }

  /** The file behind a dotted name. */
  public Path file(String name) {
    return root.resolve(name.replace('.', '/'));
  }

  /** The current value, whitespace normalised; throws when it cannot be read. */
  public String read(String name) throws IOException {
    return normalise(Files.readString(file(name)));
  }

  /** Writes a value the way {@code sysctl -w} does: one line. */
  public void write(String name, String value) throws IOException {
    Path f = file(name);
    if (!Files.exists(f)) {
      throw new java.nio.file.NoSuchFileException(f.toString(), null, "no such sysctl");
    }
    Files.writeString(f, value + "\n");
  }

  /** Collapses tabs and repeated spaces, as /proc/sys prints lists with tabs. */
  public static String normalise(String value) {
    return value == null ? null : value.trim().replaceAll("\\s+", " ");
  }
}
