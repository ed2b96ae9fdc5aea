package io.pipool.agent.server;

import java.nio.charset.StandardCharsets;

/**
 * The few request fields that decide framing, routing or a protocol switch, recognised and checked
 * byte by byte as {@link Http1Parser} reads them: Host, Content-Length, Transfer-Encoding,
 * Connection, Expect, Upgrade and HTTP2-Settings. Other fields are only checked for their byte
 * classes by the parser.
 */
final class FieldValues {

  private static final int OTHER = 0;
  private static final int HOST = 1;
  private static final int CONTENT_LENGTH = 2;
  private static final int TRANSFER_ENCODING = 3;
  private static final int CONNECTION = 4;
  private static final int EXPECT = 5;
  private static final int UPGRADE = 6;
  private static final int HTTP2_SETTINGS = 7;

  private static final byte[][] NAMES =
      bytes(
          "",
          "host",
          "content-length",
          "transfer-encoding",
          "connection",
          "expect",
          "upgrade",
          "http2-settings");
  private static final byte[][] CONNECTION_TOKENS =
      bytes("close", "keep-alive", "upgrade", "http2-settings");
  private static final byte[][] UPGRADE_TOKENS = bytes("h2c");
  private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CONTINUE = "100-continue".getBytes(StandardCharsets.US_ASCII);
  private static final long MAX_LENGTH = 1L << 50;

  // Host states
  private static final int H_START = 0;
  private static final int H_NAME = 1;
  private static final int H_PCT1 = 2;
  private static final int H_PCT2 = 3;
  private static final int H_LITERAL = 4;
  private static final int H_AFTER_LITERAL = 5;
  private static final int H_PORT = 6;
  private static final int H_TRAIL = 7;
  private static final int H_BAD = 8;

  // what the head said
  int hosts;
  long contentLength;
  int lengths;
  int codings;
  boolean chunked;
  boolean close;
  boolean keepAlive;
  boolean expectContinue;
  boolean expectOther;
  boolean upgradeH2c;
  private boolean connectionUpgrade;
  private boolean connectionSettings;
  private int settings;
  private boolean settingsBroken;

  // the field being read
  private int id;
  private int nameLength;
  private int nameMask;
  private boolean started;
  private boolean trailing;
  private boolean broken;
  private int index;
  private int sub;
  private long acc;
  private int bits;
  private long record;
  private int recordBytes;
  private int tokenLength;
  private int tokenMask;

  /** Forgets the previous message. */
  void reset() {
    hosts = 0;
    contentLength = 0;
    lengths = 0;
    codings = 0;
    chunked = false;
    close = false;
    keepAlive = false;
    expectContinue = false;
    expectOther = false;
    upgradeH2c = false;
    connectionUpgrade = false;
    connectionSettings = false;
    settings = 0;
    settingsBroken = false;
  }

  void nameStart(int b) {
    nameLength = 0;
    nameMask = (1 << NAMES.length) - 2;
    nameByte(b);
  }

  void nameByte(int b) {
    if (nameMask != 0) {
      nameMask = match(NAMES, nameMask, nameLength, Chars.lower(b));
    }
    nameLength++;
  }

  /** The name is complete; -1 when a trailer names a framing field. */
  int nameEnd(boolean trailer) {
    id = OTHER;
    for (int i = 1; i < NAMES.length; i++) {
      if ((nameMask & 1 << i) != 0 && NAMES[i].length == nameLength) {
        id = i;
      }
    }
    if (trailer) {
      boolean framing = id == HOST || id == CONTENT_LENGTH || id == TRANSFER_ENCODING;
      id = OTHER;
      return framing ? -1 : OTHER;
    }
    started = false;
    trailing = false;
    broken = false;
    index = 0;
    sub = H_START;
    acc = 0;
    bits = 0;
    record = 0;
    recordBytes = 0;
    tokenLength = 0;
    switch (id) {
      case HOST -> hosts++;
      case CONTENT_LENGTH -> lengths++;
      case TRANSFER_ENCODING -> codings++;
      case HTTP2_SETTINGS -> settings++;
      default -> {}
    }
    return id;
  }

  /** A value byte (the parser has refused control characters already). */
  void valueByte(int b) {
    boolean space = Chars.space(b);
    if (!started) {
      if (space) {
        return; // leading OWS
      }
      started = true;
    }
    switch (id) {
      case HOST -> host(b);
      case CONTENT_LENGTH -> {
        if (space || trailing) {
          trailing = true;
          broken |= !space;
        } else if (Chars.digit(b)) {
          acc = Math.min(MAX_LENGTH, acc * 10 + (b - '0'));
          index++;
        } else {
          broken = true;
        }
      }
      case TRANSFER_ENCODING -> word(CHUNKED, b, space);
      case EXPECT -> word(CONTINUE, b, space);
      case CONNECTION -> token(CONNECTION_TOKENS, b);
      case UPGRADE -> token(UPGRADE_TOKENS, b);
      case HTTP2_SETTINGS -> settingsByte(b, space);
      default -> {}
    }
  }

  /** The value is complete: null, or the rule it broke. */
  String valueEnd() {
    switch (id) {
      case HOST -> {
        return sub == H_BAD || sub == H_LITERAL || sub == H_PCT1 || sub == H_PCT2
            ? "invalid Host"
            : null;
      }
      case CONTENT_LENGTH -> {
        if (broken || index == 0) {
          return "Content-Length must be digits";
        }
        contentLength = acc;
      }
      case TRANSFER_ENCODING -> {
        if (broken || index != CHUNKED.length) {
          return "only Transfer-Encoding: chunked is accepted";
        }
        chunked = true;
      }
      case EXPECT -> {
        boolean cont = !broken && index == CONTINUE.length;
        expectContinue |= cont;
        expectOther |= !cont;
      }
      case CONNECTION -> {
        int found = tokenEnd(CONNECTION_TOKENS);
        close |= (found & 1) != 0;
        keepAlive |= (found & 2) != 0;
        connectionUpgrade |= (found & 4) != 0;
        connectionSettings |= (found & 8) != 0;
      }
      case UPGRADE -> upgradeH2c |= tokenEnd(UPGRADE_TOKENS) != 0;
      case HTTP2_SETTINGS -> settingsBroken |= broken || bits >= 6 || acc != 0 || recordBytes != 0;
      default -> {}
    }
    return null;
  }

  /** Checks across fields once the head is complete: null, or the rule it broke. */
  String headEnd(boolean http11, boolean h2c) {
    if (hosts > 1 || http11 && hosts == 0) {
      return "HTTP/1.1 needs exactly one Host header";
    }
    if (codings > 0) {
      if (!http11 || codings > 1) {
        return "only Transfer-Encoding: chunked is accepted";
      }
      if (lengths > 0) {
        return "both Content-Length and Transfer-Encoding";
      }
    }
    if (lengths > 1) {
      return "more than one Content-Length";
    }
    if (h2c && http11 && upgradeH2c) {
      if (!connectionUpgrade || !connectionSettings || settings != 1 || settingsBroken) {
        return "invalid h2c upgrade";
      }
    } else {
      upgradeH2c = false;
    }
    return null;
  }

  private void word(byte[] word, int b, boolean space) {
    if (space || trailing) {
      trailing = true;
      broken |= !space;
    } else if (index < word.length && Chars.lower(b) == word[index]) {
      index++;
    } else {
      broken = true;
    }
  }

  private void token(byte[][] words, int b) {
    if (b == ',' || Chars.space(b)) {
      tokenEnd(words);
      return;
    }
    if (tokenLength == 0) {
      tokenMask = (1 << words.length) - 1;
    }
    tokenMask = match(words, tokenMask, tokenLength, Chars.lower(b));
    tokenLength++;
  }

  /** Flags (bit i for words[i]) of the token just ended; accumulates into sub. */
  private int tokenEnd(byte[][] words) {
    if (tokenLength > 0) {
      for (int i = 0; i < words.length; i++) {
        if ((tokenMask & 1 << i) != 0 && words[i].length == tokenLength) {
          sub |= 1 << i;
        }
      }
      tokenLength = 0;
    }
    return sub;
  }

  private void host(int b) {
    sub =
        switch (sub) {
          case H_START, H_NAME -> {
            if (b == '[') {
              yield sub == H_START ? H_LITERAL : H_BAD;
            } else if (b == '%') {
              yield H_PCT1;
            } else if (b == ':') {
              yield sub == H_NAME ? H_PORT : H_BAD;
            } else if (Chars.space(b)) {
              yield H_TRAIL;
            }
            yield Chars.regName(b) ? H_NAME : H_BAD;
          }
          case H_PCT1 -> Chars.hex(b) >= 0 ? H_PCT2 : H_BAD;
          case H_PCT2 -> Chars.hex(b) >= 0 ? H_NAME : H_BAD;
          case H_LITERAL -> {
            if (b == ']') {
              yield H_AFTER_LITERAL;
            }
            yield Chars.hex(b) >= 0 || b == ':' || b == '.' ? H_LITERAL : H_BAD;
          }
          case H_AFTER_LITERAL -> b == ':' ? H_PORT : Chars.space(b) ? H_TRAIL : H_BAD;
          case H_PORT -> Chars.digit(b) && ++index <= 5 ? H_PORT : Chars.space(b) ? H_TRAIL : H_BAD;
          case H_TRAIL -> Chars.space(b) ? H_TRAIL : H_BAD;
          default -> H_BAD;
        };
  }

  /** HTTP2-Settings: base64url without padding of 6-byte settings (RFC 9113 section 6.5.1). */
  private void settingsByte(int b, boolean space) {
    if (space || trailing) {
      trailing = true;
      broken |= !space;
      return;
    }
    int v = Chars.base64Url(b);
    if (v < 0) {
      broken = true;
      return;
    }
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      record = record << 8 | (acc >> bits) & 0xff;
      acc &= (1L << bits) - 1;
      if (++recordBytes == 6) {
        broken |= !validSetting((int) (record >>> 32) & 0xffff, record & 0xffffffffL);
        record = 0;
        recordBytes = 0;
      }
    }
  }

  private static boolean validSetting(int key, long value) {
    return switch (key) {
      case 2 -> value <= 1; // ENABLE_PUSH
      case 4 -> value <= Integer.MAX_VALUE; // INITIAL_WINDOW_SIZE
      case 5 -> value >= 16_384 && value <= 16_777_215; // MAX_FRAME_SIZE
      default -> true;
    };
  }

  private static int match(byte[][] words, int mask, int at, int lower) {
    for (int i = 0; i < words.length; i++) {
      if ((mask & 1 << i) != 0 && (at >= words[i].length || words[i][at] != lower)) {
        mask &= ~(1 << i);
      }
    }
    return mask;
  }

  private static byte[][] bytes(String... words) {
    byte[][] out = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      out[i] = words[i].getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }
}
