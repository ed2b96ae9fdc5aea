package io.pipool.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is and which version the build produces (both handed in by Surefire). */
final class Repo {

  private Repo() {}

  /** The repository root (the parent pom's folder). */
  static Path root() {
    String root = System.getProperty("pipool.root");
    assertThat(root).as("system property pipool.root (set by the packaging pom)").isNotBlank();
    return Path.of(root).toAbsolutePath().normalize();
  }

  /** The project version the build is producing, e.g. 0.1.0-SNAPSHOT. */
  static String version() {
    String version = System.getProperty("project.version");
    assertThat(version)
        .as("system property project.version (set by the packaging pom)")
        .isNotBlank();
    return version;
  }

  static Path path(String relative) {
    return root().resolve(relative);
  }

  static String read(String relative) {
    try {
      return Files.readString(path(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + relative + ": " + e.getMessage(), e);
    }
  }
}
