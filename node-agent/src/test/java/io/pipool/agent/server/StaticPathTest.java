package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StaticPathTest {

  private final StaticHandler handler = new StaticHandler(null, Path.of("/srv/static"), true, null);

  @ParameterizedTest
  @CsvSource(
      nullValues = "null",
      value = {
        "/index.html, /srv/static/index.html",
        "/css/site.css, /srv/static/css/site.css",
        "/a%20b.txt, /srv/static/a b.txt",
        "/, /srv/static",
        "/../etc/passwd, null",
        "/%2e%2e/etc/passwd, null",
        "/a/../../etc/passwd, null",
        "/..data/index.html, null",
        "/.git/config, null",
        "/%zz, null",
        "/a%00b, null",
        "relative, null"
      })
  void staysInsideTheRoot(String requestPath, String expected) {
    Path p = handler.resolve(requestPath);
    assertThat(p == null ? null : p.toString()).isEqualTo(expected);
  }
}
