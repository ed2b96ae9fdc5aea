package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Static mode against paths that try to leave the folder: encodings, symlinks, long paths. The
 * folder is laid out as a ConfigMap mount is: files are symlinks through {@code ..data} to a
 * timestamped folder, and those must keep working.
 */
@ExtendWith(VertxExtension.class)
class StaticTraversalTest {

  @TempDir Path dir;
  private NodeAgent agent;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Path site = dir.resolve("site");
    Path version = site.resolve("..2026_12_03_09_00_00.123");
    TestAgents.write(version.resolve("index.html"), "<h1>pi-pool</h1>\n");
    TestAgents.write(version.resolve("page.html"), "<p>page</p>\n");
    Files.createSymbolicLink(site.resolve("..data"), version.getFileName());
    Files.createSymbolicLink(site.resolve("index.html"), Path.of("..data/index.html"));
    Files.createSymbolicLink(site.resolve("page.html"), Path.of("..data/page.html"));
    TestAgents.write(dir.resolve("secret/key.txt"), "secret\n");
    Files.createSymbolicLink(site.resolve("leak.txt"), dir.resolve("secret/key.txt"));
    Files.createSymbolicLink(site.resolve("relative-leak.txt"), Path.of("../secret/key.txt"));
    Files.createSymbolicLink(site.resolve("outside"), dir.resolve("secret"));
    agent =
        Hostile.start(
            vertx,
            dir,
            Map.of("PIPOOL_SERVER_MODE", "Static", "PIPOOL_SERVER_STATICDIR", site.toString()));
  }

  @Test
  void configMapSymlinksInsideTheFolderKeepWorking() throws Exception {
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response page = http.get("/page.html").read();
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.body()).isEqualTo("<p>page</p>\n");
      assertThat(http.get("/").read().body()).isEqualTo("<h1>pi-pool</h1>\n");
    }
  }

  static Stream<Arguments> escapes() {
    return Stream.of(
        Arguments.of("a symlink to a file outside", "/leak.txt", 404),
        Arguments.of("a relative symlink out", "/relative-leak.txt", 404),
        Arguments.of("a symlinked folder outside", "/outside/key.txt", 404),
        Arguments.of("the ..data link itself", "/..data/page.html", 404),
        Arguments.of("dot-dot", "/../secret/key.txt", 404),
        Arguments.of("encoded dot-dot", "/%2e%2e/secret/key.txt", 404),
        Arguments.of("encoded slash", "/..%2fsecret%2fkey.txt", 404),
        Arguments.of("double-encoded dot-dot", "/%252e%252e/secret/key.txt", 404),
        Arguments.of("backslash", "/..%5csecret%5ckey.txt", 404),
        Arguments.of("overlong UTF-8 dot", "/%c0%ae%c0%ae/secret/key.txt", 404),
        Arguments.of("encoded NUL", "/page.html%00.txt", 404),
        Arguments.of("a name past the file system's limit", "/" + "n".repeat(300), 404),
        Arguments.of("a deep path", "/" + "d/".repeat(1500), 404),
        Arguments.of("a path past the URI limit", "/" + "u".repeat(5000), 414));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("escapes")
  void isRefusedAndTheAgentKeepsServing(String what, String path, int status) throws Exception {
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      RawHttp.Response r = http.get(path).read();
      assertThat(r.status()).isEqualTo(status);
      assertThat(r.body()).doesNotContain("secret");
      if (status == 404) {
        assertThat(http.get("/page.html").read().status())
            .as("the same connection goes on")
            .isEqualTo(200);
      } else {
        assertThat(http.closedByServer()).isTrue();
      }
    }
    Hostile.stillServes(agent.trafficPort(), "/page.html", 200);
  }
}
