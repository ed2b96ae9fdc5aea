package io.pipool.agent.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** A blocking HTTP/1.1 client on a plain socket, for byte-exact and misbehaving requests. */
public final class RawHttp implements AutoCloseable {

  /**
   * A response as read off the wire.
   *
   * @param status the status code
   * @param head the status line and headers
   * @param body the body
   */
  public record Response(int status, String head, String body) {

    /** A header value (name case-insensitive), null when absent. */
    public String header(String name) {
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
          return line.substring(name.length() + 1).trim();
        }
      }
      return null;
    }
  }

  private final Socket socket;
  private final InputStream in;

  /** Connects to 127.0.0.1:port. */
  public RawHttp(int port) throws IOException {
    this(port, Duration.ofSeconds(10));
  }

  /** Connects to 127.0.0.1:port; every read fails after {@code timeout}. */
  public RawHttp(int port, Duration timeout) throws IOException {
    this(port, timeout, "127.0.0.1");
  }

  /**
   * Connects to 127.0.0.1:port from {@code source} (another loopback address, such as 127.0.0.2,
   * stands for another client); every read fails after {@code timeout}.
   */
  public RawHttp(int port, Duration timeout, String source) throws IOException {
    socket = new Socket("127.0.0.1", port, java.net.InetAddress.getByName(source), 0);
    socket.setSoTimeout((int) timeout.toMillis());
    in = socket.getInputStream();
  }

  private RawHttp(Socket connected) throws IOException {
    socket = connected;
    in = socket.getInputStream();
  }

  /**
   * Connects over TLS to 127.0.0.1:port, trusting any certificate (tests only), offering {@code
   * alpn}; the handshake is done when this returns.
   */
  public static RawHttp tls(int port, Duration timeout, String alpn) throws IOException {
    try {
      javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
      tls.init(null, new javax.net.ssl.TrustManager[] {new TrustAll()}, null);
      javax.net.ssl.SSLSocket s =
          (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port);
      javax.net.ssl.SSLParameters params = s.getSSLParameters();
      params.setApplicationProtocols(new String[] {alpn});
      s.setSSLParameters(params);
      s.setSoTimeout((int) timeout.toMillis());
      s.startHandshake();
      return new RawHttp(s);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private static final class TrustAll implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {}

    @Override
    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
      return new java.security.cert.X509Certificate[0];
    }
  }

  /** Sets how long reads (and {@link #closedByServer()}) wait from now on. */
  public RawHttp timeout(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    return this;
  }

  /** Sends raw bytes. */
  public RawHttp send(String raw) throws IOException {
    return send(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends raw bytes. */
  public RawHttp send(byte[] raw) throws IOException {
    socket.getOutputStream().write(raw);
    socket.getOutputStream().flush();
    return this;
  }

  /** The socket's input, for protocols other than HTTP/1.1. */
  public InputStream in() {
    return in;
  }

  /** Sends a GET for {@code path} on a keep-alive connection. */
  public RawHttp get(String path) throws IOException {
    return send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
  }

  /** Reads one response (Content-Length framed, or until close). */
  public Response read() throws IOException {
    Response partial = readHead();
    String h = partial.head();
    int status = partial.status();
    String length = partial.header("content-length");
    byte[] body;
    if (length != null) {
      body = in.readNBytes(Integer.parseInt(length));
    } else if ("chunked".equalsIgnoreCase(partial.header("transfer-encoding"))) {
      body = readChunks();
    } else if (status == 304 || status == 204) {
      body = new byte[0];
    } else {
      body = in.readAllBytes();
    }
    return new Response(status, h, new String(body, StandardCharsets.ISO_8859_1));
  }

  /** Reads one response head only (for 1xx answers): its status line and fields. */
  public Response readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before a full response head: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    return new Response(Integer.parseInt(h.substring(9, 12)), h, "");
  }

  private byte[] readChunks() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int size = Integer.parseInt(line().split(";")[0].trim(), 16);
      if (size == 0) {
        line(); // the empty line after the last chunk (no trailers expected)
        return out.toByteArray();
      }
      out.write(in.readNBytes(size));
      line();
    }
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  /** True when the server has closed the connection (reads end of stream). */
  public boolean closedByServer() {
    try {
      return in.read() < 0;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException e) {
      return true; // reset counts as closed
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
