package io.pipool.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Pure packages stay pure: no Kubernetes client, no SDK, no Vert.x, no HTTP. */
class ArchitectureTest {

  private static final List<String> FORBIDDEN =
      List.of(
          "import io.fabric8.kubernetes.client",
          "import io.javaoperatorsdk",
          "import io.vertx",
          "import java.net.http");

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"model", "autoscale", "status", "config"})
  void purePackagesImportNoClient(String pkg) throws IOException {
    Path dir = Path.of("src/main/java/io/pipool/operator", pkg);
    assertThat(dir).isDirectory();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sources = files.filter(f -> f.toString().endsWith(".java")).toList();
      assertThat(sources).isNotEmpty();
      for (Path f : sources) {
        String text = Files.readString(f);
        assertThat(FORBIDDEN).as(f.toString()).noneMatch(text::contains);
      }
    }
  }
}
