package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * A bounded property-based fuzz of the HTTP/1.1 head and chunk parsing behind the front gate: valid
 * requests are delimited exactly and decode (with Netty's decoder, as Vert.x does behind the gate)
 * to what was generated; no input makes the parser throw; a refusal is final.
 */
class Http1ParserFuzzTest {

  private static final Http1Parser.Limits LIMITS =
      new Http1Parser.Limits(4096, 8192, 1 << 20, 1024, 4096, true);
  private static final Set<Integer> STATUSES = Set.of(400, 408, 413, 414, 417, 431, 505);
  private static final Set<String> FRAMING =
      Set.of(
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "expect",
          "upgrade",
          "http2-settings",
          "te",
          "trailer",
          "keep-alive");
  private static final String TCHARS =
      "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

  /** A generated request and its bytes on the wire. */
  record Request(
      String method,
      String target,
      List<Map.Entry<String, String>> fields,
      byte[] body,
      byte[] wire) {}

  /** The messages found in a byte stream, as [start, end) pairs, and the refusal if any. */
  record Parsed(List<int[]> messages, int refusedStatus, int refusedAt) {}

  @Property(tries = 300)
  void aValidRequestRoundTrips(@ForAll("requests") Request r, @ForAll("cuts") List<Integer> cuts) {
    Parsed p = parse(r.wire(), cuts);
    assertThat(p.refusedStatus()).as("refused %s", text(r.wire())).isZero();
    assertThat(p.messages()).hasSize(1);
    assertThat(p.messages().get(0)).containsExactly(0, r.wire().length);
    FullHttpRequest decoded = netty(r.wire());
    try {
      assertThat(decoded.decoderResult().isSuccess()).isTrue();
      assertThat(decoded.method().name()).isEqualTo(r.method());
      assertThat(decoded.uri()).isEqualTo(r.target());
      for (Map.Entry<String, String> f : r.fields()) {
        assertThat(decoded.headers().getAll(f.getKey())).contains(f.getValue());
      }
      byte[] body = new byte[decoded.content().readableBytes()];
      decoded.content().readBytes(body);
      assertThat(body).isEqualTo(r.body());
    } finally {
      decoded.release();
    }
  }

  @Property(tries = 200)
  void pipelinedMessageBoundariesAreFoundExactly(
      @ForAll("pipelines") List<Request> rs, @ForAll("cuts") List<Integer> cuts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<int[]> expected = new ArrayList<>();
    for (Request r : rs) {
      int start = all.size();
      all.writeBytes(r.wire());
      expected.add(new int[] {start, all.size()});
    }
    Parsed p = parse(all.toByteArray(), cuts);
    assertThat(p.refusedStatus()).isZero();
    assertThat(p.messages()).usingRecursiveFieldByFieldElementComparator().isEqualTo(expected);
  }

  @Property(tries = 1000)
  void noInputMakesTheParserThrowAndARefusalIsFinal(
      @ForAll("hostile") byte[] input, @ForAll("cuts") List<Integer> cuts) {
    Parsed p = parse(input, cuts);
    if (p.refusedStatus() != 0) {
      assertThat(STATUSES).contains(p.refusedStatus());
    }
    for (int[] m : p.messages()) {
      assertThat(m[1]).isLessThanOrEqualTo(p.refusedStatus() != 0 ? p.refusedAt() : input.length);
    }
  }

  @Property(tries = 300)
  void afterARefusalNothingIsParsed(
      @ForAll("hostile") byte[] input, @ForAll @Size(max = 200) byte[] more) {
    Http1Parser parser = new Http1Parser(LIMITS);
    ByteBuf buf = Unpooled.wrappedBuffer(input);
    int at = 0;
    while (at < input.length && parser.event() != Http1Parser.REFUSED) {
      at = parser.advance(buf, at, input.length);
      int event = parser.event();
      if (event == Http1Parser.MORE) {
        return; // not refused: nothing to check
      }
      if (event == Http1Parser.END || event == Http1Parser.HEAD && !parser.hasBody()) {
        parser.reset();
      }
    }
    if (parser.event() != Http1Parser.REFUSED) {
      return;
    }
    parser.reset();
    ByteBuf next = Unpooled.wrappedBuffer(more);
    assertThat(parser.advance(next, 0, more.length)).isZero();
    assertThat(parser.event()).isEqualTo(Http1Parser.REFUSED);
  }

  @Property(tries = 500)
  void whatTheParserAcceptsNettyDecodesAlike(
      @ForAll("requests") Request r,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll("nasty") byte b) {
    byte[] wire = r.wire().clone();
    wire[where % wire.length] = b;
    Parsed p = parse(wire, List.of());
    if (p.refusedStatus() != 0 || p.messages().size() != 1) {
      return; // refused or incomplete: nothing reaches Vert.x
    }
    int[] m = p.messages().get(0);
    byte[] one = java.util.Arrays.copyOfRange(wire, m[0], m[1]);
    FullHttpRequest decoded = netty(one);
    try {
      assertThat(decoded.decoderResult().isSuccess()).as("Netty on %s", text(one)).isTrue();
    } finally {
      decoded.release();
    }
  }

  /** Feeds {@code input} cut at {@code cuts}, as the gate does, restarting after each message. */
  static Parsed parse(byte[] input, List<Integer> cuts) {
    Http1Parser parser = new Http1Parser(LIMITS);
    ByteBuf buf = Unpooled.buffer(input.length);
    List<int[]> messages = new ArrayList<>();
    int start = 0;
    int at = 0;
    int fed = 0;
    List<Integer> ends = new ArrayList<>();
    for (int c : cuts) {
      ends.add(Math.min(input.length, Math.max(0, c)));
    }
    ends.add(input.length);
    ends.sort(Integer::compare);
    for (int end : ends) {
      if (end <= fed) {
        continue;
      }
      buf.writeBytes(input, fed, end - fed);
      fed = end;
      while (at < fed) {
        at = parser.advance(buf, at, fed);
        int event = parser.event();
        if (event == Http1Parser.REFUSED) {
          return new Parsed(messages, parser.status(), at);
        }
        if (event == Http1Parser.MORE) {
          break;
        }
        if (event == Http1Parser.END || !parser.hasBody()) {
          messages.add(new int[] {start, at});
          start = at;
          parser.reset();
        }
      }
    }
    return new Parsed(messages, 0, at);
  }

  private static FullHttpRequest netty(byte[] wire) {
    EmbeddedChannel ch =
        new EmbeddedChannel(new HttpRequestDecoder(), new HttpObjectAggregator(2 << 20));
    ch.writeInbound(Unpooled.wrappedBuffer(wire));
    FullHttpRequest r = ch.readInbound();
    ch.finishAndReleaseAll();
    assertThat(r).as("Netty decoded %s", text(wire)).isNotNull();
    return r;
  }

  @Provide
  Arbitrary<List<Integer>> cuts() {
    return Arbitraries.integers().between(0, 600).list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<Byte> nasty() {
    return Arbitraries.of(
        (byte) 0,
        (byte) '\r',
        (byte) '\n',
        (byte) ' ',
        (byte) '\t',
        (byte) ':',
        (byte) ';',
        (byte) '@',
        (byte) 0x7f,
        (byte) 0xff,
        (byte) 'x',
        (byte) '0',
        (byte) 'G');
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    Arbitrary<byte[]> alphabet =
        Arbitraries.strings()
            .withChars("GET /HTP1.0\r\n:;chunkedTransfer-EncodingContent-Length Host0123456789af\t")
            .ofMaxLength(400)
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1));
    Arbitrary<byte[]> mutated =
        Combinators.combine(requests(), Arbitraries.integers().between(0, 10_000), nasty())
            .as(
                (r, at, b) -> {
                  byte[] w = r.wire().clone();
                  w[at % w.length] = b;
                  return w;
                });
    return Arbitraries.oneOf(random, alphabet, mutated);
  }

  @Provide
  Arbitrary<List<Request>> pipelines() {
    return requests().list().ofMinSize(1).ofMaxSize(6);
  }

  @Provide
  Arbitrary<Request> requests() {
    Arbitrary<String> method =
        Arbitraries.strings().withChars(TCHARS).ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> target =
        Arbitraries.strings()
            .withChars("abcxyz0123456789-._~!$&'()*+,;=:@/?%")
            .ofMaxLength(40)
            .map(s -> "/" + s);
    Arbitrary<Map.Entry<String, String>> field =
        Combinators.combine(
                Arbitraries.strings()
                    .withChars(TCHARS)
                    .ofMinLength(1)
                    .ofMaxLength(16)
                    .filter(n -> !FRAMING.contains(n.toLowerCase(Locale.ROOT))),
                Arbitraries.strings()
                    .withCharRange('!', '~')
                    .withChars(' ', '\t')
                    .ofMaxLength(30)
                    .map(String::strip))
            .as(Map::entry);
    Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<List<Integer>> chunks = Arbitraries.integers().between(1, 120).list().ofMaxSize(5);
    Arbitrary<Integer> framing = Arbitraries.integers().between(0, 2); // none, length, chunked
    return Combinators.combine(
            method,
            target,
            field.list().ofMaxSize(8),
            body,
            chunks,
            framing,
            Arbitraries.of("", ";e", ";k=\"v w\""))
        .as(Http1ParserFuzzTest::request);
  }

  private static Request request(
      String method,
      String target,
      List<Map.Entry<String, String>> fields,
      byte[] body,
      List<Integer> chunks,
      int framing,
      String ext) {
    ByteArrayOutputStream w = new ByteArrayOutputStream();
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: h.example:80\r\n");
    for (Map.Entry<String, String> f : fields) {
      head.append(f.getKey()).append(": ").append(f.getValue()).append("\r\n");
    }
    byte[] sent = framing == 0 ? new byte[0] : body;
    if (framing == 1) {
      head.append("Content-Length: ").append(sent.length).append("\r\n");
    } else if (framing == 2) {
      head.append("Transfer-Encoding: chunked\r\n");
    }
    head.append("\r\n");
    w.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (framing == 1) {
      w.writeBytes(sent);
    } else if (framing == 2) {
      int at = 0;
      for (int n : chunks) {
        int size = Math.min(n, sent.length - at);
        if (size <= 0) {
          break;
        }
        chunk(w, sent, at, size, ext);
        at += size;
      }
      if (at < sent.length) {
        chunk(w, sent, at, sent.length - at, ext);
      }
      w.writeBytes("0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    return new Request(method, target, fields, sent, w.toByteArray());
  }

  private static void chunk(ByteArrayOutputStream w, byte[] body, int at, int size, String ext) {
    w.writeBytes((Integer.toHexString(size) + ext + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    w.write(body, at, size);
    w.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
  }

  private static String text(byte[] wire) {
    return new String(wire, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
  }
}
