package io.pipool.agent.sysctl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The sysctl tree under a procfs root (normally /proc/sys; tests use a temporary folder). Names are
 * dotted, as {@code sysctl} prints them.
 */
public class ProcSys {

  /** More than any sysctl this agent may set prints (the longest are port ranges). */
  private static final int MAX_VALUE_BYTES = 4096;

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
    // One read from offset 0. The kernel's integer sysctls answer a read at any later offset with
    // end-of-file, and Files.readString, seeing the size procfs reports (0), reads the first byte
    // on its own: it returned "4" for 4096 on a real /proc/sys.
    try (FileChannel ch = FileChannel.open(file(name), StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate(MAX_VALUE_BYTES);
      while (buf.hasRemaining() && ch.read(buf) > 0) {
        // a regular file (the tests' fake tree) may take more than one read
      }
      buf.flip();
      return normalise(StandardCharsets.UTF_8.decode(buf).toString());
    }
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
