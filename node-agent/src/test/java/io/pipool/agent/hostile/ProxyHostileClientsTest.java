package io.pipool.agent.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipool.agent.NodeAgent;
import io.pipool.agent.support.Await;
import io.pipool.agent.support.FakeUpstream;
import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawH2;
import io.pipool.agent.support.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxy mode under clients that try to get past it, hold its upstream pool or confuse the upstream:
 * each gets its answer, nothing that should not reaches the upstream, and other clients are still
 * served within {@link Hostile#FRESH}.
 */
@ExtendWith(VertxExtension.class)
class ProxyHostileClientsTest {

  /** Another loopback address: a second client, as far as the agent can tell. */
  private static final String OTHER_CLIENT = "127.0.0.2";

  @TempDir Path dir;
  private FakeUpstream upstream;
  private NodeAgent agent;

  @BeforeEach
  void start(Vertx vertx) {
    upstream = FakeUpstream.start(vertx);
    agent = upstream.proxiedBy(vertx, dir);
  }

  private int port() {
    return agent.trafficPort();
  }

  /** A GET /ok on a fresh connection from another client, answered within {@link Hostile#FRESH}. */
  private int otherClientGets() {
    try (RawHttp http = new RawHttp(port(), Hostile.FRESH, OTHER_CLIENT)) {
      return http.get("/ok").read().status();
    } catch (IOException e) {
      throw new AssertionError("another client was not answered within 1 s", e);
    }
  }

  /**
   * The status answering {@code stream}, -1 when the HTTP/2 layer reset it instead, 0 when nothing
   * came.
   */
  private static int answerOn(RawH2 h2, int stream) throws IOException {
    RawH2.Frame f;
    while ((f = h2.next()) != null) {
      if (f.type() == RawH2.HEADERS) {
        int status = h2.status(f); // decoded in order, whatever the stream: the table is shared
        if (f.stream() == stream) {
          return status;
        }
      } else if (f.stream() == stream && f.type() == RawH2.RST_STREAM) {
        return -1;
      }
    }
    return 0;
  }

  /** {@code frame(i)} for i from 0 to n - 1, in one piece. */
  private static byte[] onStreams(int n, java.util.function.IntFunction<byte[]> frame) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(frame.apply(i));
    }
    return out.toByteArray();
  }

  @Test
  void h2HeaderValuesWithCrLfOrNulAre400AndHoldNoUpstreamConnection() throws Exception {
    String[] values = {"a\nb", "a\rb", "a\u0000b"};
    int perConnection = 70; // under the 100 concurrent streams a connection may open
    for (int c = 0; c < 2; c++) {
      try (RawH2 h2 = new RawH2(port(), Duration.ofSeconds(5))) {
        h2.send(
            onStreams(perConnection, i -> RawH2.headersWith(2 * i + 1, "x-bad", values[i % 3])));
        List<Integer> statuses = new ArrayList<>();
        RawH2.Frame f;
        while (statuses.size() < perConnection && (f = h2.until(RawH2.HEADERS)) != null) {
          statuses.add(h2.status(f));
        }
        assertThat(statuses).as("every stream answered").hasSize(perConnection);
        assertThat(statuses).containsOnly(400);
      }
    }
    assertThat(upstream.anyHeadContains("x-bad")).as("nothing reached the upstream").isFalse();
    Hostile.stillServes(port(), "/ok", 200);
  }

  @Test
  void anH2BodyLongerThanItsContentLengthNeverReachesTheUpstream() throws Exception {
    try (RawH2 h2 = new RawH2(port(), Duration.ofSeconds(5))) {
      h2.send(RawH2.headersWith(1, false, "content-length", "5"));
      h2.send(RawH2.data(1, true, "hello\r\n\r\nGET /smuggled HTTP/1.1\r\n\r\n".getBytes()));
      assertThat(answerOn(h2, 1)).as("400 or a stream reset").isIn(400, -1);
    }
    assertThat(upstream.anyHeadContains("/smuggled")).isFalse();
    assertThat(upstream.requests()).noneMatch(r -> r.body().contains("hello"));
    Hostile.stillServes(port(), "/ok", 200);
  }

  @Test
  void anH2PathThatWouldSplitTheUpstreamRequestLineIsRefused() throws Exception {
    String[] paths = {"/ok HTTP/1.1", "/ok\tx", "ok", "/ok#frag"};
    try (RawH2 h2 = new RawH2(port(), Duration.ofSeconds(5))) {
      for (int i = 0; i < paths.length; i++) {
        h2.send(RawH2.get(2 * i + 1, paths[i]));
        assertThat(answerOn(h2, 2 * i + 1)).as(paths[i]).isIn(400, -1);
      }
    }
    assertThat(upstream.requestLines()).as("only the warm-up").containsOnly("GET / HTTP/1.1");
    Hostile.stillServes(port(), "/ok", 200);
  }

  @Test
  void h2StreamsResetWhileWaitingReleaseTheirUpstreamConnections() throws Exception {
    List<RawH2> clients = new ArrayList<>();
    try {
      for (int c = 0; c < 2; c++) {
        RawH2 h2 = new RawH2(port(), Duration.ofSeconds(5));
        clients.add(h2);
        h2.send(onStreams(70, i -> RawH2.get(2 * i + 1, "/hang")));
      }
      await("the hanging requests reach the upstream")
          .atMost(Await.SETTLE)
          .until(() -> upstream.openConnections() >= 32);
      for (RawH2 h2 : clients) {
        h2.send(onStreams(70, i -> RawH2.reset(2 * i + 1)));
      }
      await("the upstream connections are released")
          .atMost(Await.SETTLE)
          .until(() -> upstream.openConnections() <= 1);
      Hostile.stillServes(port(), "/ok", 200);
    } finally {
      for (RawH2 h2 : clients) {
        h2.close();
      }
    }
  }

  @Test
  void expectContinueGets100ThenTheUpstreamGetsTheBodyWithoutExpect() throws Exception {
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      http.send(
          "POST /ok HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      byte[] interim = new byte["HTTP/1.1 100 Continue\r\n\r\n".length()];
      int n = http.in().readNBytes(interim, 0, interim.length);
      assertThat(new String(interim, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1))
          .isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
      http.send("hello");
      assertThat(http.read().status()).isEqualTo(200);
    }
    FakeUpstream.Request seen = upstream.requests().get(upstream.requests().size() - 1);
    assertThat(seen.body()).isEqualTo("hello");
    assertThat(seen.head().toLowerCase()).doesNotContain("expect");
  }

  @Test
  void connectIs405WithAllowAndNeverReachesTheUpstream() throws Exception {
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      RawHttp.Response r =
          http.send(
                  "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n"
                      + "GET /after-connect HTTP/1.1\r\nHost: t\r\n\r\n")
              .read();
      assertThat(r.status()).isEqualTo(405);
      assertThat(r.header("allow")).contains("GET").doesNotContain("CONNECT");
      assertThat(http.closedByServer()).as("tunnel bytes are not parsed").isTrue();
    }
    assertThat(upstream.anyHeadContains("CONNECT")).isFalse();
    assertThat(upstream.anyHeadContains("/after-connect")).isFalse();
    Hostile.stillServes(port(), "/ok", 200);
  }

  @Test
  void anAbsoluteFormTargetsAuthorityReplacesHostAndGoesUpstreamInOriginForm() throws Exception {
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      RawHttp.Response r =
          http.send("GET http://good.example:8080/ok?q=1 HTTP/1.1\r\nHost: evil.example\r\n\r\n")
              .read();
      assertThat(r.status()).isEqualTo(200);
    }
    FakeUpstream.Request seen = upstream.requests().get(upstream.requests().size() - 1);
    assertThat(seen.head()).startsWith("GET /ok?q=1 HTTP/1.1\r\n");
    assertThat(seen.head().toLowerCase()).contains("\r\nhost: good.example:8080");
    assertThat(upstream.anyHeadContains("evil.example")).isFalse();
  }

  @Test
  void anInvalidOrConflictingHostIs400AndNeverReachesTheUpstream() throws Exception {
    String[] requests = {
      "GET /ok HTTP/1.1\r\nHost: a.example\r\nHost: evil.example\r\n\r\n",
      "GET /ok HTTP/1.1\r\nHost: user@evil.example\r\n\r\n",
      "GET http://user@evil.example/ok HTTP/1.1\r\nHost: a.example\r\n\r\n",
      "GET ftp://evil.example/ok HTTP/1.1\r\nHost: a.example\r\n\r\n",
    };
    for (String request : requests) {
      try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
        assertThat(http.send(request).read().status()).as(request).isEqualTo(400);
      }
    }
    try (RawH2 h2 = new RawH2(port(), Duration.ofSeconds(5))) {
      h2.send(RawH2.headersWith(1, "host", "evil.example")); // :authority is localhost
      assertThat(answerOn(h2, 1)).as("h2 Host against :authority").isIn(400, -1);
    }
    assertThat(upstream.anyHeadContains("evil.example")).isFalse();
    Hostile.stillServes(port(), "/ok", 200);
  }

  @Test
  void clientForwardingHeadersAreReplacedByTheAgentsOwn() throws Exception {
    String spoofed =
        "X-Forwarded-For: 6.6.6.6\r\n"
            + "X-Forwarded-Host: evil.example\r\n"
            + "X-Forwarded-Proto: gopher\r\n"
            + "X-Forwarded-Port: 6666\r\n"
            + "X-Real-IP: 6.6.6.6\r\n"
            + "Forwarded: for=6.6.6.6;host=evil.example\r\n";
    // HTTP/1.0 without Host: no X-Forwarded-Host may reach the upstream at all.
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      assertThat(http.send("GET /ok HTTP/1.0\r\n" + spoofed + "\r\n").read().status())
          .isEqualTo(200);
    }
    FakeUpstream.Request old = upstream.requests().get(upstream.requests().size() - 1);
    assertThat(old.head().toLowerCase()).doesNotContain("x-forwarded-host");
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      assertThat(
              http.send("GET /ok HTTP/1.1\r\nHost: shop.example\r\n" + spoofed + "\r\n")
                  .read()
                  .status())
          .isEqualTo(200);
    }
    String head = upstream.requests().get(upstream.requests().size() - 1).head().toLowerCase();
    assertThat(head)
        .contains("\r\nx-forwarded-for: 127.0.0.1")
        .contains("\r\nx-real-ip: 127.0.0.1")
        .contains("\r\nx-forwarded-proto: http")
        .contains("\r\nx-forwarded-host: shop.example")
        .contains("\r\nx-forwarded-port: " + port())
        .contains("\r\nforwarded: for=127.0.0.1;proto=http;host=\"shop.example\"");
    assertThat(upstream.anyHeadContains("6.6.6.6")).isFalse();
    assertThat(upstream.anyHeadContains("evil.example")).isFalse();
    assertThat(upstream.anyHeadContains("gopher")).isFalse();
    assertThat(head.split("\r\nx-forwarded-port:", -1)).as("one X-Forwarded-Port").hasSize(2);
  }

  @Test
  void slowUploadersHoldNoUpstreamConnectionAndGet408() throws Exception {
    List<RawHttp> uploaders = new ArrayList<>();
    try {
      for (int i = 0; i < 130; i++) {
        RawHttp up = new RawHttp(port(), Duration.ofSeconds(10));
        uploaders.add(up);
        up.send("POST /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\nx");
      }
      Thread.sleep(500); // every head is in, every body still dripping
      assertThat(upstream.openConnections()).as("upstream connections held").isLessThanOrEqualTo(1);
      Hostile.stillServes(port(), "/ok", 200);
      assertThat(otherClientGets()).isEqualTo(200);
      // The body deadline (one idle timeout, 3 s here) answers them, and closes.
      RawHttp first = uploaders.get(0);
      first.send("x");
      assertThat(first.read().status()).isEqualTo(408);
      assertThat(first.closedByServer()).isTrue();
    } finally {
      Hostile.closeAll(uploaders);
    }
    assertThat(upstream.anyHeadContains("POST")).isFalse();
  }

  @Test
  void oneClientHoldsAtMostItsShareOfTheUpstreamPool() throws Exception {
    List<RawHttp> hogs = new ArrayList<>();
    try {
      for (int i = 0; i < 60; i++) {
        RawHttp hog = new RawHttp(port(), Duration.ofSeconds(5));
        hogs.add(hog);
        // Bodies past what the agent buffers, then silence: each needs an upstream connection.
        hog.send(
            "POST /hang HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
                + "x".repeat(20_000));
      }
      await("the share reaches the upstream")
          .atMost(Await.SETTLE)
          .until(() -> upstream.headsContaining("POST /hang") >= 32);
      Thread.sleep(200); // for the refusals beyond it to arrive
      int refused = 0;
      for (RawHttp hog : hogs) {
        hog.timeout(Duration.ofMillis(20));
        try {
          RawHttp.Response r = hog.read();
          assertThat(r.status()).isEqualTo(503);
          assertThat(r.header("retry-after")).isNotNull();
          refused++;
        } catch (java.net.SocketTimeoutException stillWaiting) {
          // holds one of its share
        }
      }
      assertThat(refused).as("requests beyond the share of 32").isEqualTo(60 - 32);
      assertThat(upstream.headsContaining("POST /hang")).isEqualTo(32);
      assertThat(otherClientGets()).as("another client").isEqualTo(200);
    } finally {
      Hostile.closeAll(hogs);
    }
  }

  @Test
  void aChunkedBodyOverTheCapIs413AndNeverCompletesUpstream() throws Exception {
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      http.send("POST /ok HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
      String chunk = "10000\r\n" + "c".repeat(0x10000) + "\r\n";
      for (int i = 0; i < 16; i++) { // 1 MiB: the cap
        http.send(chunk);
      }
      http.send("10\r\n" + "c".repeat(16) + "\r\n");
      RawHttp.Response r = http.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(http.closedByServer()).isTrue();
    }
    assertThat(upstream.requests()).noneMatch(req -> req.head().startsWith("POST"));
    Hostile.stillServes(port(), "/ok", 200);
  }

  @Test
  void aClientThatNeverReadsCannotMakeTheAgentBufferTheUpstreamBody() throws Exception {
    try (RawHttp http = new RawHttp(port(), Duration.ofSeconds(5))) {
      http.get("/endless");
      await("the upstream is held back")
          .atMost(Await.SETTLE)
          .until(
              () -> {
                long before = upstream.endlessBytes();
                Thread.sleep(500);
                return upstream.endlessBytes() == before && before > 0;
              });
      // Socket buffers on both sides plus the agent's bounded write queues, not an endless body.
      assertThat(upstream.endlessBytes()).isLessThan(64L << 20);
    }
    await("the upstream connection is released")
        .atMost(Await.SETTLE)
        .until(() -> upstream.openConnections() <= 1);
    Hostile.stillServes(port(), "/ok", 200);
  }
}
