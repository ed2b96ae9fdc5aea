package io.pipool.agent.server;

/** Byte classes of RFC 9110/9112 and RFC 3986, by table lookup. */
final class Chars {

  private static final boolean[] TOKEN = new boolean[256];
  private static final boolean[] REG_NAME = new boolean[256];
  private static final byte[] B64URL = new byte[256];

  static {
    for (int c = '0'; c <= '9'; c++) {
      TOKEN[c] = true;
      REG_NAME[c] = true;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      TOKEN[c] = true;
      TOKEN[c - 32] = true;
      REG_NAME[c] = true;
      REG_NAME[c - 32] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TOKEN[c] = true;
    }
    // unreserved and sub-delims; '%' starts a pct-encoded triplet and is handled apart
    for (char c : "-._~!$&'()*+,;=".toCharArray()) {
      REG_NAME[c] = true;
    }
    java.util.Arrays.fill(B64URL, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < alphabet.length(); i++) {
      B64URL[alphabet.charAt(i)] = (byte) i;
    }
  }

  private Chars() {}

  /** A tchar: a byte of a token (method, field name, transfer coding). */
  static boolean token(int b) {
    return TOKEN[b & 0xff];
  }

  /** A byte of a reg-name other than '%': unreserved or sub-delims. */
  static boolean regName(int b) {
    return REG_NAME[b & 0xff];
  }

  /** A DIGIT. */
  static boolean digit(int b) {
    return b >= '0' && b <= '9';
  }

  /** The value of a HEXDIG, or -1. */
  static int hex(int b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    int l = b | 0x20;
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }

  /** The value of a base64url character (RFC 4648 section 5), or -1. */
  static int base64Url(int b) {
    return B64URL[b & 0xff];
  }

  /** SP or HTAB. */
  static boolean space(int b) {
    return b == ' ' || b == '\t';
  }

  /** ASCII lower case of a letter; other bytes unchanged. */
  static int lower(int b) {
    return b >= 'A' && b <= 'Z' ? b | 0x20 : b;
  }
}
