package io.pipool.agent.sysctl;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The JSON file holding the values sysctls had before pi-pool first changed them. */
public final class StateFile {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** The state at {@code file}. */
  public StateFile(Path file) {
    this.file = file;
  }

  /** The file's path. */
  public Path path() {
    return file;
  }

  /** The saved originals, empty when no state has been saved yet. */
  public Optional<Map<String, String>> read() throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(
        JSON.readValue(file.toFile(), new TypeReference<LinkedHashMap<String, String>>() {}));
  }

  /** Writes atomically (temporary file, then rename) so a crash never leaves half a file. */
  public void write(Map<String, String> originals) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".sysctl-originals", ".tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), originals);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes the file. */
  public void delete() throws IOException {
    Files.deleteIfExists(file);
  }
}
