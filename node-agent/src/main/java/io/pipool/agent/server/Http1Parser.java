package io.pipool.agent.server;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * A strict, incremental RFC 9112 request parser that never copies a byte: it finds where each
 * request head and body ends and refuses, with the status to answer, whatever RFC 9112 says to
 * reject. Bytes are fed in order with {@link #advance}; after a refusal it parses nothing more.
 *
 * <p>Rules: every line ends with CRLF (a bare CR or LF is refused); a request line of a token
 * method, one space, a target of visible ASCII, one space and {@code HTTP/1.0} or {@code HTTP/1.1}
 * (414 past the line limit, 505 for other versions); field names are tokens followed at once by a
 * colon; field values hold no control character (a bare CR or a NUL is refused); no obs-fold line;
 * the head is capped (431); exactly one valid Host on HTTP/1.1 (uri-host[:port]: no space, no '@');
 * Content-Length is one run of digits (413 past the body cap); Transfer-Encoding is a single {@code
 * chunked} on HTTP/1.1 and never with Content-Length; a chunk size is hex digits followed only by
 * ';' or the line end; chunk extensions are capped per chunk and per message and count against the
 * body cap; trailers are capped like the head and never carry framing fields; {@code Expect} other
 * than {@code 100-continue} is 417; an h2c upgrade needs Connection: Upgrade, HTTP2-Settings and
 * exactly one valid HTTP2-Settings.
 */
final class Http1Parser implements ByteProcessor {

  /** What {@link #advance} stopped at: more bytes are needed. */
  static final int MORE = 0;

  /** A complete, valid head ends just before the returned index. */
  static final int HEAD = 1;

  /** The message (its body or trailers) ends just before the returned index. */
  static final int END = 2;

  /** The request is refused: see {@link #status()} and {@link #rule()}. */
  static final int REFUSED = 3;

  /**
   * The bounds the parser enforces.
   *
   * @param maxLine request line bytes, line end included (414 past it)
   * @param maxHead bytes of the field section, and of a trailer section (431 past it)
   * @param maxBody body bytes, chunk extensions included (413 past it)
   * @param maxExtPerChunk chunk extension bytes on one chunk line (413 past it)
   * @param maxExtPerMessage chunk extension bytes in one message (413 past it)
   * @param h2c whether an {@code Upgrade: h2c} can be honoured (it is then checked)
   */
  record Limits(
      int maxLine,
      int maxHead,
      long maxBody,
      int maxExtPerChunk,
      int maxExtPerMessage,
      boolean h2c) {}

  private static final int S_START = 0;
  private static final int S_START_LF = 1;
  private static final int S_METHOD = 2;
  private static final int S_TARGET = 3;
  private static final int S_VERSION = 4;
  private static final int S_LINE_LF = 5;
  private static final int S_FIELD = 6;
  private static final int S_NAME = 7;
  private static final int S_VALUE = 8;
  private static final int S_FIELD_LF = 9;
  private static final int S_END_LF = 10;
  private static final int S_SIZE = 11;
  private static final int S_EXT = 12;
  private static final int S_SIZE_LF = 13;
  private static final int S_DATA = 14;
  private static final int S_DATA_CR = 15;
  private static final int S_DATA_LF = 16;
  private static final int S_DONE = 17;
  private static final int S_FAILED = 18;

  private static final byte[] VERSION =
      "HTTP/1.".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Limits limits;
  private final FieldValues fields = new FieldValues();
  private int state;
  private int event;
  private int status;
  private String rule;
  private int lineBytes;
  private int headBytes;
  private int targetBytes;
  private int versionIndex;
  private boolean http11;
  private boolean trailers;
  private long size;
  private int sizeDigits;
  private long remaining;
  private long bodyBytes;
  private int extChunk;
  private int extMessage;

  Http1Parser(Limits limits) {
    this.limits = limits;
  }

  /** Starts on the next message; a refused parser stays refused. */
  void reset() {
    if (state == S_FAILED) {
      return;
    }
    state = S_START;
    event = MORE;
    lineBytes = 0;
    headBytes = 0;
    targetBytes = 0;
    versionIndex = 0;
    http11 = false;
    trailers = false;
    bodyBytes = 0;
    extMessage = 0;
    fields.reset();
  }

  /**
   * Parses {@code buf} from {@code from} to {@code to} (absolute indexes, the buffer untouched) and
   * returns the index after the last byte it took; {@link #event()} tells why it stopped.
   */
  int advance(ByteBuf buf, int from, int to) {
    event = state == S_FAILED ? REFUSED : MORE;
    int i = from;
    while (i < to && event == MORE && state != S_DONE && state != S_FAILED) {
      if (state == S_DATA) {
        long n = Math.min(remaining, to - i);
        i += (int) n;
        remaining -= n;
        if (remaining == 0) {
          if (fields.chunked) {
            state = S_DATA_CR;
          } else {
            state = S_DONE;
            event = END;
          }
        }
        continue;
      }
      int stop = buf.forEachByte(i, to - i, this);
      i = stop < 0 ? to : stop + 1;
    }
    return i;
  }

  /** Why {@link #advance} last stopped: {@link #MORE}, {@link #HEAD}, {@link #END}, REFUSED. */
  int event() {
    return event;
  }

  /** The status of a refusal. */
  int status() {
    return status;
  }

  /** The rule a refused request broke (a constant, never the client's bytes). */
  String rule() {
    return rule;
  }

  /** After {@link #HEAD}: whether a body follows the head. */
  boolean hasBody() {
    return fields.chunked || fields.contentLength > 0;
  }

  /** After {@link #HEAD}: the client waits for 100 Continue before sending its body. */
  boolean expectsContinue() {
    return http11 && fields.expectContinue && hasBody();
  }

  /** After {@link #HEAD}: the client asks to switch to h2c (valid, since not refused). */
  boolean upgradesToH2c() {
    return limits.h2c && http11 && fields.upgradeH2c;
  }

  /** After {@link #HEAD}: nothing after this message may be read (close, or HTTP/1.0). */
  boolean last() {
    return http11 ? fields.close : !fields.keepAlive;
  }

  @Override
  public boolean process(byte value) {
    int b = value & 0xff;
    switch (state) {
      case S_START -> {
        if (++lineBytes > limits.maxLine) {
          return refuse(414, "request line too long");
        }
        if (b == '\r') {
          state = S_START_LF;
        } else if (!Chars.token(b)) {
          return refuse(400, "invalid request line");
        } else {
          state = S_METHOD;
        }
        return true;
      }
      case S_START_LF -> {
        lineBytes++;
        state = S_START;
        return b == '\n' || refuse(400, "bare CR");
      }
      case S_METHOD, S_TARGET, S_VERSION, S_LINE_LF -> {
        if (++lineBytes > limits.maxLine) {
          return refuse(414, "request line too long");
        }
        return requestLine(b);
      }
      default -> {
        return state <= S_END_LF ? head(b) : chunked(b);
      }
    }
  }

  private boolean requestLine(int b) {
    switch (state) {
      case S_METHOD -> {
        if (b == ' ') {
          state = S_TARGET;
        } else if (!Chars.token(b)) {
          return refuse(400, "invalid method");
        }
      }
      case S_TARGET -> {
        if (b == ' ' && targetBytes > 0) {
          state = S_VERSION;
        } else if (b < 0x21 || b > 0x7e) {
          return refuse(400, "invalid character in the request target");
        } else {
          targetBytes++;
        }
      }
      case S_VERSION -> {
        int at = versionIndex++;
        if (at < VERSION.length) {
          if (b != VERSION[at]) {
            return at == 5 && Chars.digit(b)
                ? refuse(505, "HTTP version not supported")
                : refuse(400, "invalid HTTP version");
          }
        } else if (at == VERSION.length) {
          if (b != '0' && b != '1') {
            return Chars.digit(b)
                ? refuse(505, "HTTP version not supported")
                : refuse(400, "invalid HTTP version");
          }
          http11 = b == '1';
        } else if (b == '\r') {
          state = S_LINE_LF;
        } else {
          return refuse(400, "invalid HTTP version");
        }
      }
      default -> { // S_LINE_LF
        if (b != '\n') {
          return refuse(400, "bare CR");
        }
        state = S_FIELD;
      }
    }
    return true;
  }

  private boolean head(int b) {
    if (++headBytes > limits.maxHead) {
      return trailers
          ? refuse(431, "trailer section too large")
          : refuse(431, "request header fields too large");
    }
    switch (state) {
      case S_FIELD -> {
        if (b == '\r') {
          state = S_END_LF;
        } else if (b == ' ' || b == '\t') {
          return refuse(400, "obs-fold line");
        } else if (!Chars.token(b)) {
          return refuse(400, "invalid field name");
        } else {
          fields.nameStart(b);
          state = S_NAME;
        }
      }
      case S_NAME -> {
        if (b == ':') {
          int id = fields.nameEnd(trailers);
          if (id < 0) {
            return refuse(400, "framing field in trailers");
          }
          state = S_VALUE;
        } else if (!Chars.token(b)) {
          return refuse(400, b == ' ' || b == '\t' ? "space before colon" : "invalid field name");
        } else {
          fields.nameByte(b);
        }
      }
      case S_VALUE -> {
        if (b == '\r') {
          state = S_FIELD_LF;
        } else if (b == '\t' || b >= 0x20 && b != 0x7f) {
          fields.valueByte(b);
        } else {
          return refuse(400, "control character in a field value");
        }
      }
      case S_FIELD_LF -> {
        return b == '\n' ? fieldEnd() : refuse(400, "bare CR in a field value");
      }
      default -> { // S_END_LF
        return b == '\n' ? sectionEnd() : refuse(400, "bare CR");
      }
    }
    return true;
  }

  private boolean fieldEnd() {
    String broken = fields.valueEnd();
    if (broken != null) {
      return refuse(400, broken);
    }
    state = S_FIELD;
    return true;
  }

  private boolean sectionEnd() {
    if (trailers) {
      state = S_DONE;
      event = END;
      return false;
    }
    FieldValues f = fields;
    String broken = f.headEnd(http11, limits.h2c);
    if (broken != null) {
      return refuse(400, broken);
    }
    if (f.contentLength > limits.maxBody) {
      return refuse(413, "body larger than the limit");
    }
    if (http11 && f.expectOther) {
      return refuse(417, "only 100-continue is expected");
    }
    event = HEAD;
    if (f.chunked) {
      startChunk();
    } else if (f.contentLength > 0) {
      remaining = f.contentLength;
      state = S_DATA;
    } else {
      state = S_DONE;
    }
    return false;
  }

  private void startChunk() {
    state = S_SIZE;
    size = 0;
    sizeDigits = 0;
    extChunk = 0;
  }

  private boolean chunked(int b) {
    switch (state) {
      case S_SIZE -> {
        int hex = Chars.hex(b);
        if (hex >= 0) {
          if (++sizeDigits > 16) {
            return refuse(400, "chunk size past 64 bits");
          }
          size = size << 4 | hex;
        } else if (sizeDigits == 0) {
          return refuse(400, "invalid chunk size");
        } else if (size < 0 || size > limits.maxBody - bodyBytes - extMessage) {
          return refuse(413, "chunked body larger than the limit");
        } else if (b == ';') {
          state = S_EXT;
        } else if (b == '\r') {
          state = S_SIZE_LF;
        } else {
          return refuse(400, "invalid chunk size");
        }
      }
      case S_EXT -> {
        if (++extChunk > limits.maxExtPerChunk
            || ++extMessage > limits.maxExtPerMessage
            || size + bodyBytes + extMessage > limits.maxBody) {
          return refuse(413, "chunk extensions too large");
        }
        if (b == '\r') {
          state = S_SIZE_LF;
        } else if (b != '\t' && (b < 0x20 || b == 0x7f)) {
          return refuse(400, "control character in a chunk extension");
        }
      }
      case S_SIZE_LF -> {
        return b == '\n' ? sizeEnd() : refuse(400, "bare CR after a chunk size");
      }
      case S_DATA_CR -> {
        if (b != '\r') {
          return refuse(400, "chunk data longer than its size");
        }
        state = S_DATA_LF;
      }
      default -> { // S_DATA_LF
        if (b != '\n') {
          return refuse(400, "chunk data longer than its size");
        }
        startChunk();
      }
    }
    return true;
  }

  private boolean sizeEnd() {
    if (size == 0) {
      trailers = true;
      headBytes = 0;
      state = S_FIELD;
      return true;
    }
    bodyBytes += size;
    remaining = size;
    state = S_DATA;
    return false;
  }

  private boolean refuse(int code, String why) {
    status = code;
    rule = why;
    state = S_FAILED;
    event = REFUSED;
    return false;
  }
}
