package io.pipool.agent.server;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileProps;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Static mode: files from a folder (such as a mounted ConfigMap) with content types, ETag and
 * Last-Modified validators answered with 304, and HEAD. File metadata is read off the event loop
 * through Vert.x's file system; the files it holds open while sending count against the descriptor
 * budget ({@link OpenFiles}).
 */
final class StaticHandler implements Handler<HttpServerRequest> {

  private final Vertx vertx;
  private final Path root;
  private final Path realRoot;
  private final boolean compression;
  private final OpenFiles files;

  /** Files under {@code root}; the files it sends are counted by {@code files}. */
  StaticHandler(Vertx vertx, Path root, boolean compression, OpenFiles files) {
    this.vertx = vertx;
    this.files = files;
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = realOrSelf(this.root);
    this.compression = compression;
  }

  @Override
  public void handle(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
      resp.setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return;
    }
    Path file = resolve(req.path());
    if (file == null) {
      resp.setStatusCode(404).end("not found\n");
      return;
    }
    vertx
        .executeBlocking(() -> locate(file), false)
        .onComplete(
            ar -> {
              if (ar.failed() || ar.result() == null) {
                resp.setStatusCode(404).end("not found\n");
              } else {
                serve(req, ar.result().path(), ar.result().props());
              }
            });
  }

  /**
   * The regular file a path names (a folder's index.html), with every symlink resolved, or null
   * when there is none or it lies outside the real root. Symlinks inside the folder, such as a
   * ConfigMap's {@code ..data} links, keep working; one pointing out of it is not followed.
   */
  private Found locate(Path file) throws IOException {
    Path real;
    try {
      real = file.toRealPath();
      if (real.startsWith(realRoot) && Files.isDirectory(real)) {
        real = real.resolve("index.html").toRealPath();
      }
    } catch (IOException missingOrTooLong) {
      return null;
    }
    if (!real.startsWith(realRoot) || !Files.isRegularFile(real)) {
      return null;
    }
    return new Found(real, vertx.fileSystem().propsBlocking(real.toString()));
  }

  private record Found(Path path, FileProps props) {}

  private void serve(HttpServerRequest req, Path file, FileProps props) {
    HttpServerResponse resp = req.response();
    long mtimeSeconds = props.lastModifiedTime() / 1000;
    String etag = etag(mtimeSeconds, props.size());
    String lastModified = httpDate(mtimeSeconds);
    resp.putHeader(HttpHeaders.ETAG, etag).putHeader(HttpHeaders.LAST_MODIFIED, lastModified);
    if (notModified(req, etag, mtimeSeconds)) {
      resp.setStatusCode(304).end();
      return;
    }
    ContentTypes.Type type = ContentTypes.forFile(file.getFileName().toString());
    resp.putHeader(HttpHeaders.CONTENT_TYPE, type.value());
    if (!compression || !type.compressible()) {
      // Vert.x skips compression for a response marked identity.
      resp.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
    }
    if (req.method() == HttpMethod.HEAD) {
      resp.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(props.size())).end();
    } else {
      files.send(req, () -> resp.sendFile(file.toString()));
    }
  }

  /** The file under the root for a request path, or null when it would escape the root. */
  Path resolve(String rawPath) {
    if (rawPath == null || !rawPath.startsWith("/")) {
      return null;
    }
    String decoded;
    try {
      decoded = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException badEscape) {
      return null;
    }
    if (decoded.indexOf('\0') >= 0 || decoded.contains("\\")) {
      return null;
    }
    for (String segment : decoded.split("/")) {
      // Hidden files and ConfigMap internals (..data, ..2024_...) are not content.
      if (segment.startsWith(".")) {
        return null;
      }
    }
    Path p = root.resolve(decoded.substring(1)).normalize();
    return p.startsWith(root) ? p : null;
  }

  /** The folder with its symlinks resolved; itself when it does not exist (every lookup fails). */
  private static Path realOrSelf(Path folder) {
    try {
      return folder.toRealPath();
    } catch (IOException missing) {
      return folder;
    }
  }

  /** nginx's format: hex mtime and hex size. */
  static String etag(long mtimeSeconds, long size) {
    return "\"" + Long.toHexString(mtimeSeconds) + "-" + Long.toHexString(size) + "\"";
  }

  /** IMF-fixdate (RFC 9110): two-digit day, always GMT. */
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  static String httpDate(long epochSeconds) {
    return HTTP_DATE.format(Instant.ofEpochSecond(epochSeconds));
  }

  private static boolean notModified(HttpServerRequest req, String etag, long mtimeSeconds) {
    String inm = req.getHeader(HttpHeaders.IF_NONE_MATCH);
    if (inm != null) {
      // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
      for (String candidate : inm.split(",")) {
        String c = candidate.trim();
        if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String ims = req.getHeader(HttpHeaders.IF_MODIFIED_SINCE);
    if (ims != null) {
      try {
        long since =
            DateTimeFormatter.RFC_1123_DATE_TIME.parse(ims.trim(), Instant::from).getEpochSecond();
        return mtimeSeconds <= since;
      } catch (DateTimeParseException ignored) {
        return false;
      }
    }
    return false;
  }
}
