package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.RawHttp;
import io.pipool.agent.support.TestAgents;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class StaticModeTest {

  private static final String CSS = "body { color: black; }\n".repeat(50);

  @TempDir Path dir;
  private NodeAgent agent;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    Path site = dir.resolve("site");
    TestAgents.write(site.resolve("index.html"), "<h1>pi-pool</h1>\n");
    TestAgents.write(site.resolve("css/site.css"), CSS);
    Files.write(site.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    TestAgents.write(site.resolve("..data/secret.txt"), "hidden\n");
    TestAgents.write(dir.resolve("outside.txt"), "outside\n");
    Files.setLastModifiedTime(
        site.resolve("css/site.css"), FileTime.from(Instant.parse("2025-03-01T10:00:00Z")));
    agent =
        Await.result(
            TestAgents.start(
                vertx,
                TestAgents.settings(
                    dir,
                    Map.of(
                        "PIPOOL_SERVER_MODE",
                        "Static",
                        "PIPOOL_SERVER_STATICDIR",
                        site.toString()))));
  }

  private RawHttp.Response get(String rawRequestTail) throws Exception {
    try (RawHttp http = new RawHttp(agent.trafficPort())) {
      return http.send(rawRequestTail).read();
    }
  }

  private RawHttp.Response get(String method, String path, String headers) throws Exception {
    return get(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n");
  }

  @Test
  void servesTheIndexWithTypeAndValidators() throws Exception {
    RawHttp.Response r = get("GET", "/", "");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("<h1>pi-pool</h1>\n");
    assertThat(r.header("content-type")).isEqualTo("text/html; charset=utf-8");
    assertThat(r.header("etag")).matches("\"[0-9a-f]+-11\"");
    assertThat(r.header("last-modified")).endsWith("GMT");
  }

  @Test
  void answers304ToAMatchingEtagOrDate() throws Exception {
    RawHttp.Response first = get("GET", "/css/site.css", "");
    assertThat(first.header("last-modified")).isEqualTo("Sat, 01 Mar 2025 10:00:00 GMT");

    RawHttp.Response byEtag =
        get("GET", "/css/site.css", "If-None-Match: " + first.header("etag") + "\r\n");
    assertThat(byEtag.status()).isEqualTo(304);
    assertThat(byEtag.body()).isEmpty();

    RawHttp.Response byDate =
        get("GET", "/css/site.css", "If-Modified-Since: Sat, 01 Mar 2025 10:00:00 GMT\r\n");
    assertThat(byDate.status()).isEqualTo(304);

    RawHttp.Response older =
        get("GET", "/css/site.css", "If-Modified-Since: Fri, 28 Feb 2025 10:00:00 GMT\r\n");
    assertThat(older.status()).isEqualTo(200);

    RawHttp.Response otherEtag = get("GET", "/css/site.css", "If-None-Match: \"nope\"\r\n");
    assertThat(otherEtag.status()).isEqualTo(200);
  }

  @Test
  void headGivesTheHeadersWithoutTheBody() throws Exception {
    RawHttp.Response r = get("HEAD", "/css/site.css", "Connection: close\r\n");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("content-type")).isEqualTo("text/css; charset=utf-8");
    assertThat(r.header("content-length")).isEqualTo(Integer.toString(CSS.length()));
    assertThat(r.body()).isEmpty();
  }

  @Test
  void gzipsTextButNotImages() throws Exception {
    RawHttp.Response css = get("GET", "/css/site.css", "Accept-Encoding: gzip\r\n");
    assertThat(css.header("content-encoding")).isEqualTo("gzip");

    RawHttp.Response png = get("GET", "/logo.png", "Accept-Encoding: gzip\r\n");
    assertThat(png.header("content-encoding")).isNull();
    assertThat(png.header("content-type")).isEqualTo("image/png");
    assertThat(png.body()).hasSize(7);
  }

  @Test
  void missingHiddenAndEscapingPathsAre404() throws Exception {
    assertThat(get("GET", "/nope.html", "").status()).isEqualTo(404);
    assertThat(get("GET", "/..data/secret.txt", "").status()).isEqualTo(404);
    assertThat(get("GET", "/%2e%2e/outside.txt", "").status()).isEqualTo(404);
  }

  @Test
  void otherMethodsAre405() throws Exception {
    RawHttp.Response r = get("DELETE", "/index.html", "");
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("allow")).isEqualTo("GET, HEAD");
  }
}
