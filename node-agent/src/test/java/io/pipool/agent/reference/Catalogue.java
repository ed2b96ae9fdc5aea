package io.pipool.agent.reference;

import io.pipool.agent.support.Hostile;
import io.pipool.agent.support.RawH2;
import io.pipool.agent.support.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The hostile cases, one or more per class of issue 18, each a client that misbehaves and what it
 * saw. The same probe runs against the agent and against nginx; {@link NginxReferenceTest}
 * compares.
 */
final class Catalogue {

  /** How long an exchange waits for more bytes (or the end) once the server has gone quiet. */
  static final Duration QUIET = Duration.ofMillis(600);

  /** How long a flood may run, and how long without progress counts as "stopped reading". */
  static final Duration FLOOD = Duration.ofMillis(2500);

  static final Duration STALL = Duration.ofSeconds(1);

  /** How much the agent's heap may grow while one unread connection is held (MiB). */
  static final long FLOOD_GROWTH_MIB = 16;

  /** A request hidden after the offending one (pipelined, or where a body would be). */
  static final String FOLLOWER = "GET /bad-follower HTTP/1.1\r\nHost: x\r\n\r\n";

  /** What must never reach an upstream: every offending request's path starts with it. */
  static final String BAD = "/bad";

  /** A file the static servers serve, big enough that unread responses fill buffers quickly. */
  static final String FILE_16K = "/f16k.bin";

  /** A file whose h2 response a zero window stalls. */
  static final String FILE_BIG = "/big.bin";

  private static final int PROTOCOL_ERROR = 1;

  private Catalogue() {}

  static List<Case> all() {
    List<Case> c = new ArrayList<>();
    backpressure(c);
    framingAfterErrors(c);
    expect(c);
    headParsing(c);
    http2(c);
    probesAndDescriptors(c);
    proxy(c);
    return c;
  }

  // ---- 1. backpressure ----

  private static void backpressure(List<Case> c) {
    byte[] get = Wire.bytes(("GET " + FILE_16K + " HTTP/1.1\r\nHost: x\r\n\r\n").repeat(100));
    c.add(
        new Case(
            "pipeline-unread",
            "Backpressure",
            "pipelines GETs of a 16 KiB file for 2.5 s, never reads",
            false,
            null,
            t -> flood(t, t.staticPort(), new byte[0], () -> get),
            Catalogue::stopsReading));
    c.add(
        new Case(
            "h2-streams-unread",
            "Backpressure",
            "h2c: opens short GET streams for 2.5 s, never reads",
            false,
            null,
            t -> {
              int[] stream = {1};
              Supplier<byte[]> streams =
                  () -> {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    for (int i = 0; i < 50; i++, stream[0] += 2) {
                      b.writeBytes(
                          Wire.headers(stream[0], true, Wire.requestBlock("GET", FILE_16K)));
                    }
                    return b.toByteArray();
                  };
              return flood(t, t.staticH2Port(), Wire.h2Preface(new byte[0]), streams);
            },
            Catalogue::heldInBoundedMemory));
  }

  private static Outcome flood(UnderTest t, int port, byte[] prefix, Supplier<byte[]> more)
      throws IOException {
    Outcome o = new Outcome();
    String[] during = new String[1];
    long[] grown = new long[1];
    long before = t.memoryBytes();
    String[] fresh = new String[1];
    Wire.Sent s =
        Wire.send(
            port,
            prefix,
            more,
            Long.MAX_VALUE,
            FLOOD,
            STALL,
            false,
            QUIET,
            () -> {
              fresh[0] = t.fresh(false);
              during[0] = t.memory();
              grown[0] = t.memoryBytes() - before;
            });
    o.stoppedReading = s.stalled();
    o.measure = s.written();
    o.fresh(fresh[0]);
    o.memory = during[0] + " while held";
    o.growthMiB = grown[0] >> 20;
    return o.note("took %d KiB, grew %d MiB", s.written() >> 10, o.growthMiB);
  }

  /**
   * For h2 streams nobody reads: nginx keeps reading such a connection (it answers within the
   * flow-control window and refuses streams past its limit), so what must hold is memory: the
   * agent's heap does not grow with what the client leaves unread.
   */
  private static void heldInBoundedMemory(
      org.assertj.core.api.SoftAssertions soft, Outcome agent, Outcome nginx) {
    soft.assertThat(agent.growthMiB)
        .as("heap growth while the unread connection is held, MiB")
        .isLessThanOrEqualTo(FLOOD_GROWTH_MIB);
  }

  private static void stopsReading(
      org.assertj.core.api.SoftAssertions soft, Outcome agent, Outcome nginx) {
    soft.assertThat(agent.stoppedReading).as("the agent stops reading").isTrue();
    soft.assertThat(agent.measure)
        .as("bytes the agent took before it stopped reading (nginx: %d)", nginx.measure)
        .isLessThanOrEqualTo(Math.max(2 * nginx.measure, 8L << 20));
    soft.assertThat(agent.growthMiB)
        .as("heap growth while the unread connection is held, MiB")
        .isLessThanOrEqualTo(FLOOD_GROWTH_MIB);
  }

  // ---- 2. framing after an error ----

  private static void framingAfterErrors(List<Case> c) {
    c.add(
        h1(
            "close-after-413",
            "Framing after an error",
            "Content-Length past 1 MiB, then a request where the body would be",
            false,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n" + FOLLOWER,
            refusedAndClosed("413")));
    String chunk = Integer.toHexString(64 << 10) + "\r\n" + "c".repeat(64 << 10) + "\r\n";
    String big =
        "POST /bad-chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + chunk.repeat(20)
            + "0\r\n\r\n"
            + FOLLOWER;
    c.add(
        new Case(
            "proxy-413-chunked",
            "Framing after an error",
            "Proxy: a 1.25 MiB chunked body, then a pipelined request",
            true,
            "/bad-follower",
            t -> h1Outcome(t.proxyPort(), big),
            refusedAndClosed("413")));
    String upgrade =
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n" + "Upgrade: h2c\r\n";
    c.add(
        h1(
            "h2c-upgrade-broken-settings",
            "Framing after an error",
            "h2c upgrade with an HTTP2-Settings that is not base64url, then a request",
            false,
            upgrade + "HTTP2-Settings: !!not*base64!!\r\n\r\n" + FOLLOWER,
            refusedAndClosed("400")));
    c.add(
        h1(
            "h2c-upgrade-two-settings",
            "Framing after an error",
            "h2c upgrade with two HTTP2-Settings headers, then a request",
            false,
            upgrade + "HTTP2-Settings: AAMAAABk\r\nHTTP2-Settings: AAMAAABk\r\n\r\n" + FOLLOWER,
            refusedAndClosed("400")));
  }

  // ---- 3. Expect: 100-continue ----

  private static void expect(List<Case> c) {
    for (boolean proxy : new boolean[] {false, true}) {
      c.add(
          new Case(
              proxy ? "proxy-expect-dripped" : "expect-dripped",
              "Expect: 100-continue",
              (proxy ? "Proxy: " : "")
                  + "Expect: 100-continue, then the 8-byte body one byte every 100 ms",
              proxy,
              null,
              t -> expectDripped(proxy ? t.proxyPort() : t.staticPort()),
              (soft, agent, nginx) ->
                  soft.assertThat(agent.measure)
                      .as("a 100 or a final status within 1 s of the head")
                      .isEqualTo(1)));
    }
  }

  private static Outcome expectDripped(int port) throws IOException {
    Outcome o = new Outcome();
    try (RawHttp http = new RawHttp(port)) {
      http.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 8\r\nExpect: 100-continue\r\n\r\n");
      Read first = readFor(http, Duration.ofSeconds(1));
      List<Wire.Response> early = Wire.responses(first.bytes());
      o.measure = early.isEmpty() ? 0 : 1;
      boolean closed = first.closed();
      for (int i = 0; i < 8 && !closed; i++) {
        try {
          http.send("x");
        } catch (IOException gone) {
          closed = true;
        }
        NginxServer.sleep(Duration.ofMillis(100));
      }
      Read rest = closed ? first : readFor(http, QUIET);
      List<Wire.Response> all = new ArrayList<>(early);
      if (rest != first) {
        all.addAll(Wire.responses(rest.bytes()));
      }
      o.answer = early.isEmpty() ? "none in 1 s" : statuses(early);
      if (all.size() > early.size()) {
        o.answer += "→" + statuses(all.subList(early.size(), all.size()));
      }
      o.closed = closed || rest.closed();
    }
    return o;
  }

  // ---- 4. lenient head parsing ----

  private static void headParsing(List<Case> c) {
    String get = "GET /bad-head HTTP/1.1\r\n";
    String post = "POST /bad-head HTTP/1.1\r\nHost: x\r\n";
    List<String[]> heads =
        List.of(
            new String[] {"obs-fold", "a folded header line", get + "Host: x\r\nX-A: a\r\n b\r\n"},
            new String[] {"obs-fold-host", "a folded Host", get + "Host: x\r\n y\r\n"},
            new String[] {
              "obs-fold-te",
              "a folded Transfer-Encoding",
              post + "Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n"
            },
            new String[] {"empty-field-name", "a field with no name", get + "Host: x\r\n: v\r\n"},
            new String[] {"host-space", "Host with a space", get + "Host: a b\r\n"},
            new String[] {"host-at", "Host with '@'", get + "Host: user@x\r\n"},
            new String[] {
              "chunk-size-space",
              "a chunk size followed by a space",
              post + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n"
            });
    for (String[] h : heads) {
      c.add(
          h1(
              h[0],
              "Lenient head parsing",
              "Proxy: " + h[1] + ", then a pipelined request",
              true,
              h[2] + "\r\n" + FOLLOWER,
              refusedAndClosed("400")));
    }
    c.add(
        new Case(
            "chunk-extensions-4mib",
            "Lenient head parsing",
            "Proxy: one 1-byte chunk with 4 MiB of chunk extension",
            true,
            null,
            t -> {
              byte[] ext = Wire.bytes("e".repeat(64 << 10));
              int[] sent = {0};
              Supplier<byte[]> more =
                  () -> {
                    sent[0]++;
                    if (sent[0] <= 64) {
                      return ext;
                    }
                    return sent[0] == 65 ? Wire.bytes("\r\nx\r\n0\r\n\r\n") : null;
                  };
              byte[] head =
                  Wire.bytes(
                      "POST /bad-ext HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;e=");
              Wire.Sent s =
                  Wire.send(
                      t.proxyPort(), head, more, Long.MAX_VALUE, FLOOD, STALL, true, QUIET, null);
              Outcome o = fromH1(s);
              o.measure = s.written();
              return o.note("took %d KiB", s.written() >> 10);
            },
            (soft, agent, nginx) ->
                soft.assertThat(agent.answer).as("413 or 400").matches("(413|400).*")));
  }

  // ---- 5. HTTP/2 ----

  private static void http2(List<Case> c) {
    c.add(
        new Case(
            "continuation-flood",
            "HTTP/2",
            "h2c: HEADERS without END_HEADERS, then empty CONTINUATION frames for 2.5 s",
            false,
            null,
            t -> {
              ByteArrayOutputStream prefix = new ByteArrayOutputStream();
              prefix.writeBytes(Wire.h2Preface(new byte[0]));
              prefix.writeBytes(RawH2.frame(RawH2.HEADERS, 0, 1, Wire.requestBlock("GET", "/")));
              byte[] empties = new byte[9 * 1000];
              for (int i = 0; i < 1000; i++) {
                System.arraycopy(
                    RawH2.frame(CONTINUATION_TYPE, 0, 1, new byte[0]), 0, empties, 9 * i, 9);
              }
              Wire.Sent s =
                  Wire.send(
                      t.staticH2Port(),
                      prefix.toByteArray(),
                      () -> empties,
                      Long.MAX_VALUE,
                      FLOOD,
                      STALL,
                      true,
                      QUIET,
                      null);
              Outcome o = fromH2(s, 1);
              o.measure = s.written() / 9;
              return o.note("%d frames taken", s.written() / 9);
            },
            (soft, agent, nginx) -> {
              soft.assertThat(agent.answer).as("GOAWAY").contains("GOAWAY");
              soft.assertThat(agent.closed).as("closed").isTrue();
            }));
    c.add(
        new Case(
            "h2-lower-stream-id",
            "HTTP/2",
            "h2c: HEADERS on stream 5, then HEADERS on stream 3",
            false,
            null,
            t -> {
              ByteArrayOutputStream b = new ByteArrayOutputStream();
              b.writeBytes(Wire.h2Preface(new byte[0]));
              b.writeBytes(Wire.headers(5, true, Wire.requestBlock("GET", "/")));
              b.writeBytes(Wire.headers(3, true, Wire.requestBlock("GET", "/")));
              byte[] all = b.toByteArray();
              Wire.Sent s =
                  Wire.send(
                      t.staticH2Port(), all, null, all.length, FLOOD, QUIET, true, QUIET, null);
              return fromH2(s, 3);
            },
            (soft, agent, nginx) -> {
              soft.assertThat(agent.answer)
                  .as("a connection error, PROTOCOL_ERROR (RFC 9113 section 5.1.1)")
                  .contains("GOAWAY(" + PROTOCOL_ERROR + ")");
              soft.assertThat(agent.closed).as("closed").isTrue();
            }));
  }

  /** CONTINUATION's frame type. */
  private static final int CONTINUATION_TYPE = Wire.CONTINUATION;

  // ---- 6. and 7. probes and descriptors ----

  private static void probesAndDescriptors(List<Case> c) {
    c.add(
        new Case(
            "admin-squat",
            "Probes nobody can squat",
            "20 keep-alive connections on the admin port, refreshed; then the kubelet's probe",
            false,
            null,
            t -> t.agent() ? squat(t) : Outcome.notApplicable("nginx has no probe port"),
            (soft, agent, nginx) ->
                soft.assertThat(agent.answer)
                    .as("/readyz answered 200 within 1 s, twice")
                    .isEqualTo("200→200")));
    c.add(
        new Case(
            "h2-static-stalled",
            "Descriptors",
            "4 h2c connections × 100 streams of a 256 KiB file, window 0;"
                + " the agent under a 400-descriptor limit",
            false,
            null,
            Catalogue::stalledStreams,
            (soft, agent, nginx) ->
                soft.assertThat(agent.answer)
                    .as("the kubelet's probe answered while the streams stall")
                    .isEqualTo("readyz 200"),
            true));
  }

  private static Outcome squat(UnderTest t) throws IOException {
    List<RawHttp> squatters = new ArrayList<>();
    Outcome o = new Outcome();
    try {
      for (int i = 0; i < 20; i++) {
        try {
          RawHttp s = new RawHttp(t.adminPort(), Duration.ofSeconds(1));
          squatters.add(s);
          s.get("/healthz").read();
        } catch (IOException refused) {
          // past its cap: what the squatter holds is what matters
        }
      }
      List<String> answers = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        answers.add(probe(t.adminPort()));
        for (RawHttp s : squatters) {
          try {
            s.get("/healthz").read();
          } catch (IOException closed) {
            // refreshing fails once the agent has closed it
          }
        }
      }
      o.answer = String.join("→", answers);
      o.note("%d squatters", squatters.size());
    } finally {
      Hostile.closeAll(squatters);
    }
    return o;
  }

  private static String probe(int admin) {
    try (RawHttp probe = new RawHttp(admin, Hostile.FRESH)) {
      return Integer.toString(probe.get("/readyz").read().status());
    } catch (IOException e) {
      return "none in 1 s";
    }
  }

  private static Outcome stalledStreams(UnderTest t) throws IOException {
    Outcome o = new Outcome();
    long before = t.openFiles();
    List<RawH2> conns = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        RawH2 h2 = new RawH2(t.staticH2Port(), Duration.ofSeconds(1));
        conns.add(h2);
        h2.send(RawH2.frame(RawH2.SETTINGS, 0, 0, Wire.settings(4, 0))); // INITIAL_WINDOW_SIZE 0
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int s = 1; s < 200; s += 2) {
          b.writeBytes(Wire.headers(s, true, Wire.requestBlock("GET", FILE_BIG)));
        }
        h2.send(b.toByteArray());
      }
      NginxServer.sleep(Duration.ofSeconds(1));
      o.measure = t.openFiles() - before;
      o.fresh(t.fresh(false));
      if (t.agent()) {
        o.answer = "readyz " + probe(t.adminPort());
      } else {
        o.answer = "–";
      }
      o.memory = t.memory() + " while held";
      o.note("%d more descriptors while held", o.measure);
    } finally {
      for (RawH2 h2 : conns) {
        h2.close();
      }
    }
    return o;
  }

  // ---- 8. Proxy mode ----

  private static void proxy(List<Case> c) {
    c.add(
        new Case(
            "h2-ctl-in-value",
            "Proxy mode",
            "Proxy h2c: header values with CR, LF, NUL; then 140 more with CR on 2 connections",
            true,
            "x-evil",
            Catalogue::controlCharsInH2Values,
            (soft, agent, nginx) ->
                soft.assertThat(agent.answer.split(" / "))
                    .as("every stream refused: 400, RST_STREAM or GOAWAY (RFC 9113 section 8.2.1)")
                    .allMatch(a -> a.matches("(400|RST|GOAWAY).*"))));
    c.add(
        new Case(
            "slow-uploads",
            "Proxy mode",
            "130 uploads of 100 bytes, one byte per second; a fresh request meanwhile",
            true,
            null,
            Catalogue::slowUploads,
            (soft, agent, nginx) -> {}));
    c.add(
        new Case(
            "connect",
            "Proxy mode",
            "Proxy: CONNECT to the upstream's address, then a pipelined request",
            true,
            "CONNECT",
            t ->
                h1Outcome(
                    t.proxyPort(),
                    "CONNECT 127.0.0.1:"
                        + t.upstream().port()
                        + " HTTP/1.1\r\nHost: 127.0.0.1:"
                        + t.upstream().port()
                        + "\r\n\r\n"
                        + FOLLOWER),
            (soft, agent, nginx) -> soft.assertThat(agent.answer).as("405").startsWith("405")));
    c.add(
        withMarker(
            h1(
                "absolute-form-host",
                "Proxy mode",
                "Proxy: absolute-form target with a conflicting Host",
                true,
                "GET http://absolute.example/abs HTTP/1.1\r\nHost: conflicting.example\r\n\r\n",
                (soft, agent, nginx) -> {}),
            "conflicting.example"));
    c.add(
        withMarker(
            h1(
                "forwarded-spoof",
                "Proxy mode",
                "Proxy: HTTP/1.0 without Host, with its own X-Forwarded-Host and Forwarded",
                true,
                "GET /spoof HTTP/1.0\r\nX-Forwarded-Host: spoofed.example\r\n"
                    + "Forwarded: for=192.0.2.1;host=spoofed.example\r\n\r\n",
                (soft, agent, nginx) -> {}),
            "spoofed.example"));
    for (String path : List.of("/malformed-length", "/malformed-smuggle")) {
      c.add(
          new Case(
              "upstream" + path.substring("/malformed".length()),
              "Proxy mode",
              path.endsWith("length")
                  ? "upstream answers with two Content-Length values; then a pipelined GET"
                  : "upstream answers chunked + Content-Length with a response hidden behind",
              true,
              null,
              t -> {
                Outcome o =
                    h1Outcome(
                        t.proxyPort(),
                        "GET "
                            + path
                            + " HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
                o.measure = o.note.contains("desync") ? 1 : 0;
                return o;
              },
              (soft, agent, nginx) -> {
                soft.assertThat(agent.measure)
                    .as("the client never sees the hidden bytes")
                    .isZero();
                if (path.endsWith("length")) {
                  soft.assertThat(agent.answer)
                      .as("502 (RFC 9110 section 8.6: differing lengths are unrecoverable)")
                      .startsWith("502");
                }
              }));
    }
  }

  private static Outcome controlCharsInH2Values(UnderTest t) throws IOException {
    Outcome o = new Outcome();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(Wire.h2Preface(new byte[0]));
    String[] values = {"a\rb", "a\nb", "a\u0000b"};
    for (int i = 0; i < values.length; i++) {
      b.writeBytes(
          Wire.headers(1 + 2 * i, true, Wire.requestBlock("GET", "/", "x-evil", values[i])));
    }
    byte[] all = b.toByteArray();
    Wire.Sent s =
        Wire.send(t.proxyH2Port(), all, null, all.length, FLOOD, QUIET, true, QUIET, null);
    List<RawH2.Frame> frames = Wire.frames(s.received());
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      answers.add(Wire.h2Answer(frames, 1 + 2 * i));
    }
    o.answer = String.join(" / ", answers);
    // then enough of them to drain a 128-connection upstream pool if none is released
    for (int conn = 0; conn < 2; conn++) {
      ByteArrayOutputStream many = new ByteArrayOutputStream();
      many.writeBytes(Wire.h2Preface(new byte[0]));
      for (int i = 0; i < 70; i++) {
        many.writeBytes(
            Wire.headers(1 + 2 * i, true, Wire.requestBlock("GET", "/", "x-evil", "a\rb")));
      }
      byte[] burst = many.toByteArray();
      Wire.send(t.proxyH2Port(), burst, null, burst.length, FLOOD, QUIET, true, QUIET, null);
    }
    o.note("then 140 more");
    return o;
  }

  private static Outcome slowUploads(UnderTest t) throws IOException {
    Outcome o = new Outcome();
    List<RawHttp> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 130; i++) {
        RawHttp s = new RawHttp(t.proxyPort(), Duration.ofSeconds(1));
        slow.add(s);
        s.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx");
      }
      NginxServer.sleep(Duration.ofSeconds(1));
      for (RawHttp s : slow) {
        try {
          s.send("x");
        } catch (IOException closed) {
          // the server gave up on it
        }
      }
      o.fresh(t.fresh(true));
      o.answer = "–";
      o.note("upstream connections at peak: %d", t.upstream().peakConnections());
    } finally {
      Hostile.closeAll(slow);
    }
    return o;
  }

  // ---- shared ----

  private static Case h1(
      String id, String issueClass, String what, boolean proxy, String raw, Case.Target target) {
    return new Case(
        id,
        issueClass,
        what,
        proxy,
        proxy ? BAD : null,
        t -> h1Outcome(proxy ? t.proxyPort() : t.staticPort(), raw),
        target);
  }

  private static Case withMarker(Case c, String marker) {
    return new Case(c.id(), c.issueClass(), c.what(), c.proxy(), marker, c.probe(), c.target());
  }

  private static Outcome h1Outcome(int port, String raw) throws IOException {
    return fromH1(Wire.exchange(port, raw, QUIET));
  }

  /** What came back on an HTTP/1.1 connection: the first answer, and whether more came. */
  static Outcome fromH1(Wire.Sent s) {
    Outcome o = new Outcome();
    List<Wire.Response> rs = Wire.responses(s.received());
    int firstFinal = -1;
    for (int i = 0; i < rs.size() && firstFinal < 0; i++) {
      if (rs.get(i).status() >= 200) {
        firstFinal = i;
      }
    }
    o.answer =
        rs.isEmpty()
            ? "none"
            : statuses(rs.subList(0, firstFinal < 0 ? rs.size() : firstFinal + 1));
    o.after = firstFinal >= 0 && firstFinal + 1 < rs.size();
    o.saysClose =
        firstFinal >= 0
            && "close".equalsIgnoreCase(Wire.header(rs.get(firstFinal).head(), "connection"));
    o.closed = s.closed();
    for (Wire.Response r : rs) {
      if (r.status() == 299 || r.body().contains("SMUGGLED")) {
        o.note("desync: the hidden response reached the client");
      }
    }
    if (o.after) {
      o.note("then %s", statuses(rs.subList(firstFinal + 1, rs.size())));
    }
    return o;
  }

  /** What an h2c server said to {@code stream}, and whether it closed. */
  static Outcome fromH2(Wire.Sent s, int stream) {
    Outcome o = new Outcome();
    o.answer = Wire.h2Answer(Wire.frames(s.received()), stream);
    o.closed = s.closed();
    return o;
  }

  private static String statuses(List<Wire.Response> rs) {
    List<String> out = new ArrayList<>();
    for (Wire.Response r : rs) {
      out.add(Integer.toString(r.status()));
    }
    return String.join("→", out);
  }

  private static Case.Target refusedAndClosed(String status) {
    return (soft, agent, nginx) -> {
      soft.assertThat(agent.answer).as("answered %s", status).isEqualTo(status);
      soft.assertThat(agent.closed).as("closed").isTrue();
      soft.assertThat(agent.after).as("nothing after it answered").isFalse();
    };
  }

  /**
   * What came within {@code wait} on {@code http} (less if it closed).
   *
   * @param bytes what came
   * @param closed the server closed
   */
  record Read(byte[] bytes, boolean closed) {}

  static Read readFor(RawHttp http, Duration wait) throws IOException {
    http.timeout(wait);
    InputStream in = http.in();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    long end = System.nanoTime() + wait.toNanos();
    try {
      while (System.nanoTime() < end) {
        int n = in.read(buf);
        if (n < 0) {
          return new Read(got.toByteArray(), true);
        }
        got.write(buf, 0, n);
        if (in.available() == 0 && !Wire.responses(got.toByteArray()).isEmpty()) {
          return new Read(got.toByteArray(), false);
        }
      }
    } catch (SocketTimeoutException quiet) {
      // nothing more within the wait
    } catch (IOException reset) {
      return new Read(got.toByteArray(), true);
    }
    return new Read(got.toByteArray(), false);
  }
}
