package io.pipool.agent.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Hand-built HTTP/2 frames (prior-knowledge h2c) on a raw socket, for floods and resets. */
public final class RawH2 implements AutoCloseable {

  /** Frame types (RFC 9113 section 6). */
  public static final int DATA = 0;

  /** HEADERS. */
  public static final int HEADERS = 1;

  /** CONTINUATION. */
  public static final int CONTINUATION = 9;

  /** RST_STREAM. */
  public static final int RST_STREAM = 3;

  /** SETTINGS. */
  public static final int SETTINGS = 4;

  /** PING. */
  public static final int PING = 6;

  /** GOAWAY. */
  public static final int GOAWAY = 7;

  /** A frame as received. */
  public record Frame(int type, int flags, int stream, byte[] payload) {

    /** The error code of a GOAWAY or RST_STREAM. */
    public int errorCode() {
      int at = type == GOAWAY ? 4 : 0;
      return ((payload[at] & 0xff) << 24)
          | ((payload[at + 1] & 0xff) << 16)
          | ((payload[at + 2] & 0xff) << 8)
          | (payload[at + 3] & 0xff);
    }
  }

  /** HPACK: POST (or GET), /, http, authority localhost; static-table indexes only. */
  private static byte[] requestBlock(boolean post) {
    byte[] authority = "localhost".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(post ? 0x83 : 0x82);
    b.write(0x84);
    b.write(0x86);
    b.write(0x01);
    b.write(authority.length);
    b.writeBytes(authority);
    return b.toByteArray();
  }

  private final io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder decoder =
      new io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder(false);
  private final RawHttp socket;
  private final DataInputStream in;

  /** Connects and sends the client preface (magic and an empty SETTINGS). */
  public RawH2(int port, Duration readTimeout) throws IOException {
    this(port, readTimeout, false);
  }

  private RawH2(int port, Duration readTimeout, boolean upgrade) throws IOException {
    this(new RawHttp(port, readTimeout), upgrade);
  }

  private RawH2(RawHttp connected, boolean upgrade) throws IOException {
    socket = connected;
    in = new DataInputStream(socket.in());
    if (upgrade) {
      socket.send(
          "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n");
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.readUnsignedByte());
      }
      if (!head.toString().startsWith("HTTP/1.1 101")) {
        throw new IOException("no upgrade: " + head);
      }
    }
    socket.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    send(frame(SETTINGS, 0, 0, new byte[0]));
  }

  /** Connects over TLS, negotiating h2 by ALPN, and sends the preface. */
  public static RawH2 tls(int port, Duration readTimeout) throws IOException {
    return new RawH2(RawHttp.tls(port, readTimeout, "h2"), false);
  }

  /** Connects over HTTP/1.1, upgrades to h2c (the request is stream 1), sends the preface. */
  public static RawH2 upgraded(int port, Duration readTimeout) throws IOException {
    return new RawH2(port, readTimeout, true);
  }

  /** One frame's bytes. */
  public static byte[] frame(int type, int flags, int stream, byte[] payload) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(payload.length >>> 16);
    b.write(payload.length >>> 8);
    b.write(payload.length);
    b.write(type);
    b.write(flags);
    b.write(stream >>> 24);
    b.write(stream >>> 16);
    b.write(stream >>> 8);
    b.write(stream);
    b.writeBytes(payload);
    return b.toByteArray();
  }

  /** A request's HEADERS: a GET that ends the stream, or a POST whose body never comes. */
  public static byte[] headers(int stream, boolean endStream) {
    return frame(HEADERS, 0x4 | (endStream ? 0x1 : 0), stream, requestBlock(!endStream));
  }

  /**
   * A GET's HEADERS (ending the stream) with one more field, {@code name: value}, as an HPACK
   * literal without indexing: the bytes go on the wire as given, CR, LF or NUL included.
   */
  public static byte[] headersWith(int stream, String name, String value) {
    return headersWith(stream, true, name, value);
  }

  /**
   * A request's HEADERS with one more field as an HPACK literal: a GET that ends the stream, or a
   * POST whose body follows in {@link #data} frames.
   */
  public static byte[] headersWith(int stream, boolean endStream, String name, String value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(requestBlock(!endStream));
    byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
    byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
    b.write(0x00);
    b.write(n.length);
    b.writeBytes(n);
    b.write(v.length);
    b.writeBytes(v);
    return frame(HEADERS, 0x4 | (endStream ? 0x1 : 0), stream, b.toByteArray());
  }

  /** A GET for {@code path} that ends the stream (the path as an HPACK literal). */
  public static byte[] get(int stream, String path) {
    byte[] p = path.getBytes(StandardCharsets.ISO_8859_1);
    byte[] authority = "localhost".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(0x82); // :method GET
    b.write(0x86); // :scheme http
    b.write(0x04); // :path, literal value
    b.write(p.length);
    b.writeBytes(p);
    b.write(0x01); // :authority, literal value
    b.write(authority.length);
    b.writeBytes(authority);
    return frame(HEADERS, 0x4 | 0x1, stream, b.toByteArray());
  }

  /** A DATA frame, ending the stream when {@code endStream}. */
  public static byte[] data(int stream, boolean endStream, byte[] payload) {
    return frame(DATA, endStream ? 0x1 : 0, stream, payload);
  }

  /**
   * The :status of a response HEADERS frame. The HPACK table is the connection's: call this for
   * every HEADERS frame received, in order.
   */
  public int status(Frame headers) throws IOException {
    try {
      byte[] p = headers.payload();
      int from = 0;
      int to = p.length;
      if ((headers.flags() & 0x8) != 0) { // PADDED
        to -= p[0] & 0xff;
        from = 1;
      }
      if ((headers.flags() & 0x20) != 0) { // PRIORITY
        from += 5;
      }
      var block = io.netty.buffer.Unpooled.wrappedBuffer(p, from, to - from);
      return Integer.parseInt(decoder.decodeHeaders(headers.stream(), block).status().toString());
    } catch (io.netty.handler.codec.http2.Http2Exception e) {
      throw new IOException(
          "flags " + headers.flags() + " " + java.util.HexFormat.of().formatHex(headers.payload()),
          e);
    }
  }

  /** A SETTINGS frame with one setting. */
  public static byte[] settings(int id, int value) {
    return frame(
        SETTINGS,
        0,
        0,
        new byte[] {
          (byte) (id >>> 8),
          (byte) id,
          (byte) (value >>> 24),
          (byte) (value >>> 16),
          (byte) (value >>> 8),
          (byte) value
        });
  }

  /**
   * Shuts every stream's flow-control window (SETTINGS_INITIAL_WINDOW_SIZE 0), then asks for {@code
   * path} on {@code streams} streams: no byte of any response may flow.
   */
  public void stalledGets(String path, int streams) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(settings(0x4, 0));
    for (int i = 0; i < streams; i++) {
      b.writeBytes(get(1 + 2 * i, path));
    }
    send(b.toByteArray());
  }

  /** RST_STREAM with CANCEL. */
  public static byte[] reset(int stream) {
    return frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8});
  }

  /** Sends bytes. */
  public void send(byte[] bytes) throws IOException {
    socket.send(bytes);
  }

  /** Sends {@code frame} {@code times} times in one write. */
  public void repeat(byte[] frame, int times) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < times; i++) {
      b.writeBytes(frame);
    }
    send(b.toByteArray());
  }

  /** The next frame, or null at end of stream or when nothing comes within the read timeout. */
  public Frame next() throws IOException {
    try {
      int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
      int type = in.readUnsignedByte();
      int flags = in.readUnsignedByte();
      int stream = in.readInt() & 0x7fffffff;
      byte[] payload = new byte[length];
      in.readFully(payload);
      return new Frame(type, flags, stream, payload);
    } catch (java.io.EOFException | SocketTimeoutException | java.net.SocketException end) {
      return null;
    }
  }

  /** Reads until a frame of {@code type} arrives (returned), or the stream ends (null). */
  public Frame until(int type) throws IOException {
    Frame f;
    while ((f = next()) != null) {
      if (f.type() == type) {
        return f;
      }
    }
    return null;
  }

  /** True when the server has closed the connection (reads skip whatever frames come first). */
  public boolean closedByServer() throws IOException {
    try {
      while (in.read(new byte[4096]) >= 0) {
        // drain
      }
      return true;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
