package io.pipool.agent.server;

import java.util.Locale;
import java.util.Map;

/** Content types by file extension, and whether gzip is worth it for them. */
public final class ContentTypes {

  /**
   * A content type.
   *
   * @param value the Content-Type header value
   * @param compressible whether gzip shrinks it (text, JSON, SVG...) rather than wasting CPU
   */
  public record Type(String value, boolean compressible) {}

  static final Type DEFAULT = new Type("application/octet-stream", false);

  private static final Map<String, Type> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("html", new Type("text/html; charset=utf-8", true)),
          Map.entry("htm", new Type("text/html; charset=utf-8", true)),
          Map.entry("css", new Type("text/css; charset=utf-8", true)),
          Map.entry("js", new Type("text/javascript; charset=utf-8", true)),
          Map.entry("mjs", new Type("text/javascript; charset=utf-8", true)),
          Map.entry("json", new Type("application/json", true)),
          Map.entry("map", new Type("application/json", true)),
          Map.entry("txt", new Type("text/plain; charset=utf-8", true)),
          Map.entry("md", new Type("text/markdown; charset=utf-8", true)),
          Map.entry("csv", new Type("text/csv; charset=utf-8", true)),
          Map.entry("xml", new Type("application/xml", true)),
          Map.entry("svg", new Type("image/svg+xml", true)),
          Map.entry("wasm", new Type("application/wasm", true)),
          Map.entry("ico", new Type("image/x-icon", true)),
          Map.entry("png", new Type("image/png", false)),
          Map.entry("jpg", new Type("image/jpeg", false)),
          Map.entry("jpeg", new Type("image/jpeg", false)),
          Map.entry("gif", new Type("image/gif", false)),
          Map.entry("webp", new Type("image/webp", false)),
          Map.entry("avif", new Type("image/avif", false)),
          Map.entry("woff", new Type("font/woff", false)),
          Map.entry("woff2", new Type("font/woff2", false)),
          Map.entry("pdf", new Type("application/pdf", false)),
          Map.entry("zip", new Type("application/zip", false)),
          Map.entry("gz", new Type("application/gzip", false)),
          Map.entry("mp4", new Type("video/mp4", false)),
          Map.entry("webm", new Type("video/webm", false)),
          Map.entry("mp3", new Type("audio/mpeg", false)));

  private ContentTypes() {}

  /** Whether a Content-Type header value names a type gzip shrinks (text, JSON, XML, SVG...). */
  public static boolean compressible(String contentType) {
    if (contentType == null) {
      return false;
    }
    String t = contentType.toLowerCase(Locale.ROOT);
    return t.startsWith("text/")
        || t.contains("json")
        || t.contains("javascript")
        || t.contains("xml")
        || t.startsWith("image/svg")
        || t.startsWith("application/wasm");
  }

  /** The type for a file name; application/octet-stream when the extension is unknown. */
  public static Type forFile(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0 || dot == name.length() - 1) {
      return DEFAULT;
    }
    return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
  }
}
