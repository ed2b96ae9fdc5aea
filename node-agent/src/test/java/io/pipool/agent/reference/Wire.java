package io.pipool.agent.reference;

import io.pipool.agent.support.RawH2;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Bounded raw exchanges for the reference run: a non-blocking sender that notices when the server
 * stops reading, a parser for every HTTP/1.1 response in what came back, and the few HTTP/2 bits
 * (request blocks, response status, frames) the cases need beyond {@link RawH2}.
 */
final class Wire {

  /** CONTINUATION (RFC 9113 section 6.10). */
  static final int CONTINUATION = 9;

  /** How long a drained exchange waits for a first byte (a pause after one is {@code quiet}). */
  static final Duration FIRST_BYTE = Duration.ofSeconds(2);

  /** Most response bytes kept from one exchange. */
  private static final int KEEP = 1 << 20;

  private Wire() {}

  /**
   * What a sender saw.
   *
   * @param written bytes the server took
   * @param stalled the server stopped taking bytes for the stall time
   * @param closed the server closed or reset the connection
   * @param received what the server sent (up to 1 MiB)
   */
  record Sent(long written, boolean stalled, boolean closed, byte[] received) {}

  /**
   * Sends {@code prefix}, then {@code more} (while it gives bytes, up to {@code max} in all) on a
   * fresh connection without blocking, reading what comes back when {@code drain} (else never
   * reading). Stops after {@code limit}, once nothing has been taken for {@code stall}, or when the
   * server closes; then, when draining, waits up to {@code quiet} for more to come or the end
   * ({@link #FIRST_BYTE} when nothing has come yet). {@code hold} runs while the connection is
   * still open (to measure the server under load).
   */
  static Sent send(
      int port,
      byte[] prefix,
      Supplier<byte[]> more,
      long max,
      Duration limit,
      Duration stall,
      boolean drain,
      Duration quiet,
      Runnable hold)
      throws IOException {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    long written = 0;
    boolean stalled = false;
    boolean closed = false;
    try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      ch.configureBlocking(false);
      ByteBuffer out = ByteBuffer.wrap(prefix);
      ByteBuffer in = ByteBuffer.allocate(64 << 10);
      long start = System.nanoTime();
      long lastProgress = start;
      while (!closed) {
        long now = System.nanoTime();
        if (now - start > limit.toNanos()) {
          break;
        }
        if (!out.hasRemaining()) {
          byte[] next = written < max && more != null ? more.get() : null;
          if (next == null) {
            break;
          }
          out = ByteBuffer.wrap(next);
        }
        int n;
        try {
          n = ch.write(out);
        } catch (IOException reset) {
          closed = true;
          break;
        }
        written += n;
        if (drain) {
          closed = read(ch, in, got);
        }
        if (n > 0) {
          lastProgress = now;
        } else if (now - lastProgress > stall.toNanos()) {
          stalled = true;
          break;
        } else {
          NginxServer.sleep(Duration.ofMillis(2));
        }
      }
      if (hold != null) {
        hold.run();
      }
      if (drain && !closed) {
        // a loaded machine may be slow to answer at all: the first byte gets longer than a pause
        long end = System.nanoTime() + (got.size() == 0 ? FIRST_BYTE : quiet).toNanos();
        while (!closed && System.nanoTime() < end) {
          int before = got.size();
          closed = read(ch, in, got);
          if (got.size() > before) {
            end = System.nanoTime() + quiet.toNanos();
          } else if (!closed) {
            NginxServer.sleep(Duration.ofMillis(5));
          }
        }
      }
    }
    return new Sent(written, stalled, closed, got.toByteArray());
  }

  /** Sends {@code raw} whole and reads what comes back until the end or {@code quiet}. */
  static Sent exchange(int port, String raw, Duration quiet) throws IOException {
    byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
    return send(port, bytes, null, bytes.length, Duration.ofSeconds(5), quiet, true, quiet, null);
  }

  /** Reads what is there; true at end of stream or reset. */
  private static boolean read(SocketChannel ch, ByteBuffer in, ByteArrayOutputStream got) {
    try {
      int n;
      while ((n = ch.read(in)) > 0) {
        if (got.size() < KEEP) {
          got.write(in.array(), 0, n);
        }
        in.clear();
      }
      return n < 0;
    } catch (IOException reset) {
      return true;
    }
  }

  /**
   * A response as parsed.
   *
   * @param status its status
   * @param head status line and headers
   * @param body its body
   */
  record Response(int status, String head, String body) {}

  /** Every complete HTTP/1.1 response in {@code bytes}, 1xx included, in order. */
  static List<Response> responses(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    List<Response> out = new ArrayList<>();
    int at = 0;
    while (text.startsWith("HTTP/1.", at)) {
      int end = text.indexOf("\r\n\r\n", at);
      if (end < 0 || text.length() < at + 12) {
        break;
      }
      String head = text.substring(at, end);
      int status = Integer.parseInt(head.substring(9, 12));
      int from = end + 4;
      int to;
      String length = header(head, "content-length");
      if (status < 200 || status == 204 || status == 304) {
        to = from;
      } else if ("chunked".equalsIgnoreCase(header(head, "transfer-encoding"))) {
        int last = text.indexOf("\r\n0\r\n\r\n", from - 2);
        to = last < 0 ? text.length() : last + 7;
      } else if (length != null && length.matches("\\d+")) {
        to = Math.min(text.length(), from + Integer.parseInt(length));
      } else {
        to = text.length();
      }
      out.add(new Response(status, head, text.substring(from, to)));
      at = to;
    }
    return out;
  }

  /** A header's value in a response head (name case-insensitive), or null. */
  static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  /** A byte string in ISO-8859-1. */
  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ---- HTTP/2 ----

  /** The prior-knowledge client preface, an empty SETTINGS first. */
  static byte[] h2Preface(byte[] settings) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(bytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    b.writeBytes(RawH2.frame(RawH2.SETTINGS, 0, 0, settings));
    return b.toByteArray();
  }

  /**
   * An HPACK block for {@code method} (GET or POST) {@code path} with authority localhost, then
   * {@code extra} name/value pairs as literals without indexing (values byte for byte).
   */
  static byte[] requestBlock(String method, String path, String... extra) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write("POST".equals(method) ? 0x83 : 0x82);
    b.write(0x86); // :scheme http
    literal(b, 0x04, null, path); // :path, name from the static table
    literal(b, 0x01, null, "localhost"); // :authority
    for (int i = 0; i + 1 < extra.length; i += 2) {
      literal(b, 0x00, extra[i], extra[i + 1]);
    }
    return b.toByteArray();
  }

  private static void literal(ByteArrayOutputStream b, int first, String name, String value) {
    b.write(first);
    if (name != null) {
      b.write(name.length());
      b.writeBytes(bytes(name));
    }
    byte[] v = bytes(value);
    if (v.length < 127) {
      b.write(v.length);
    } else {
      b.write(127);
      int rest = v.length - 127;
      while (rest >= 128) {
        b.write((rest & 0x7f) | 0x80);
        rest >>>= 7;
      }
      b.write(rest);
    }
    b.writeBytes(v);
  }

  /** A HEADERS frame with END_HEADERS (and END_STREAM when {@code end}). */
  static byte[] headers(int stream, boolean end, byte[] block) {
    return RawH2.frame(RawH2.HEADERS, 0x4 | (end ? 0x1 : 0), stream, block);
  }

  /** SETTINGS payload entries, id/value pairs. */
  static byte[] settings(int... idValue) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i + 1 < idValue.length; i += 2) {
      b.write(idValue[i] >>> 8);
      b.write(idValue[i]);
      for (int shift = 24; shift >= 0; shift -= 8) {
        b.write(idValue[i + 1] >>> shift);
      }
    }
    return b.toByteArray();
  }

  /** Every complete frame in {@code bytes} (what a server sent on a prior-knowledge h2c). */
  static List<RawH2.Frame> frames(byte[] bytes) {
    List<RawH2.Frame> out = new ArrayList<>();
    int at = 0;
    while (at + 9 <= bytes.length) {
      int length = (bytes[at] & 0xff) << 16 | (bytes[at + 1] & 0xff) << 8 | bytes[at + 2] & 0xff;
      if (at + 9 + length > bytes.length) {
        break;
      }
      int stream =
          ((bytes[at + 5] & 0x7f) << 24)
              | ((bytes[at + 6] & 0xff) << 16)
              | ((bytes[at + 7] & 0xff) << 8)
              | (bytes[at + 8] & 0xff);
      byte[] payload = new byte[length];
      System.arraycopy(bytes, at + 9, payload, 0, length);
      out.add(new RawH2.Frame(bytes[at + 3] & 0xff, bytes[at + 4] & 0xff, stream, payload));
      at += 9 + length;
    }
    return out;
  }

  /**
   * What a server said to one stream, or to the connection, in {@code frames}: the response's
   * status ("400"), "RST(code)", "GOAWAY(code)", joined by "+", or "none".
   */
  static String h2Answer(List<RawH2.Frame> frames, int stream) {
    List<String> seen = new ArrayList<>();
    for (RawH2.Frame f : frames) {
      if (f.type() == RawH2.HEADERS && f.stream() == stream) {
        seen.add(status(f));
      } else if (f.type() == RawH2.RST_STREAM && f.stream() == stream) {
        seen.add("RST(" + f.errorCode() + ")");
      } else if (f.type() == RawH2.GOAWAY) {
        seen.add("GOAWAY(" + f.errorCode() + ")");
      }
    }
    return seen.isEmpty() ? "none" : String.join("+", seen);
  }

  /** The :status of a response HEADERS frame, as far as the first field tells ("?" if not). */
  static String status(RawH2.Frame f) {
    byte[] p = f.payload();
    int at = (f.flags() & 0x8) != 0 ? 1 : 0; // PADDED
    at += (f.flags() & 0x20) != 0 ? 5 : 0; // PRIORITY
    int first = p[at] & 0xff;
    int[] indexed = {200, 204, 206, 304, 400, 404, 500};
    if (first >= 0x88 && first <= 0x8e) {
      return Integer.toString(indexed[first - 0x88]);
    }
    boolean statusName = first == 0x48 || first == 0x08 || first == 0x18;
    if (!statusName || at + 1 >= p.length) {
      return "?";
    }
    int len = p[at + 1] & 0x7f;
    if ((p[at + 1] & 0x80) == 0 && len == 3) {
      return new String(p, at + 2, 3, StandardCharsets.ISO_8859_1);
    }
    return huffmanDigits(p, at + 2, len);
  }

  /** Digits in HPACK's Huffman code (0-2: 5 bits, 3-9: 6 bits), enough for a status. */
  private static String huffmanDigits(byte[] p, int from, int len) {
    StringBuilder out = new StringBuilder();
    int bit = 0;
    int total = len * 8;
    while (out.length() < 3 && bit + 5 <= total) {
      int five = bits(p, from, bit, 5);
      if (five <= 2) {
        out.append((char) ('0' + five));
        bit += 5;
      } else {
        int six = bits(p, from, bit, 6);
        if (six < 0x19 || six > 0x1f) {
          return "?";
        }
        out.append((char) ('3' + six - 0x19));
        bit += 6;
      }
    }
    return out.length() == 3 ? out.toString() : "?";
  }

  private static int bits(byte[] p, int from, int bit, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
      int at = bit + i;
      v = v << 1 | ((p[from + at / 8] >>> (7 - at % 8)) & 1);
    }
    return v;
  }
}
