package io.pipool.agent.server;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What Proxy mode forwards for one client request, decided before any upstream connection is taken:
 * the origin-form path and the authority (RFC 9112 section 3.2.2: an absolute-form target's
 * authority replaces Host), or the reason the request is refused. Header names must be tokens and
 * values free of CR, LF and NUL; the method a token; the target visible ASCII; the authority a
 * valid host and port with no userinfo. CONNECT is refused with 405.
 */
record ProxyTarget(int status, String why, String path, HostAndPort authority) {

  /** Methods the proxy forwards, for the Allow header of a 405. */
  static final String ALLOW = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

  private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";
  private static final String REG_NAME_SYMBOLS = "-._~%!$&'()*+,;=";

  /** True when the request may be forwarded. */
  boolean ok() {
    return status == 0;
  }

  private static ProxyTarget refuse(int status, String why) {
    return new ProxyTarget(status, why, null, null);
  }

  /** Decides for {@code req}. */
  static ProxyTarget of(HttpServerRequest req) {
    HttpMethod method = req.method();
    if (HttpMethod.CONNECT.equals(method)) {
      return refuse(405, "CONNECT is not proxied");
    }
    if (!token(method.name())) {
      return refuse(400, "invalid method");
    }
    String why = invalidHeader(req.headers());
    if (why != null) {
      return refuse(400, why);
    }
    String uri = req.uri();
    if (uri == null || uri.isEmpty()) {
      return refuse(400, "empty request target");
    }
    String authority = null;
    boolean absolute = false;
    if (uri.charAt(0) != '/') {
      String lower = uri.toLowerCase(Locale.ROOT);
      int scheme = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
      if (scheme < 0) {
        return refuse(400, "request target must be origin-form or absolute-form");
      }
      int end = scheme;
      while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
        end++;
      }
      authority = uri.substring(scheme, end);
      String rest = uri.substring(end);
      uri = rest.isEmpty() ? "/" : rest.charAt(0) == '/' ? rest : "/" + rest;
      absolute = true;
    }
    if (!visible(uri) || uri.indexOf('#') >= 0) {
      return refuse(400, "invalid request target");
    }
    List<String> lengths = req.headers().getAll(HttpHeaders.CONTENT_LENGTH);
    for (String length : lengths) {
      String l = length.trim();
      if (l.isEmpty() || l.length() > 18 || !l.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return refuse(400, "invalid Content-Length");
      }
      if (!l.equals(lengths.get(0).trim())) {
        return refuse(400, "conflicting Content-Length");
      }
    }
    List<String> hosts = req.headers().getAll(HttpHeaders.HOST);
    if (hosts.size() > 1) {
      return refuse(400, "more than one Host");
    }
    if (!absolute) {
      if (req.version() == HttpVersion.HTTP_2) {
        HostAndPort a = req.authority();
        authority = a == null ? (hosts.isEmpty() ? null : hosts.get(0)) : a.toString();
        if (a != null && !hosts.isEmpty() && !hosts.get(0).trim().equalsIgnoreCase(authority)) {
          return refuse(400, "Host differs from :authority"); // RFC 9113 section 8.3.1
        }
      } else if (!hosts.isEmpty()) {
        authority = hosts.get(0);
      } else if (req.version() == HttpVersion.HTTP_1_1) {
        return refuse(400, "missing Host");
      }
    }
    HostAndPort parsed = null;
    if (authority != null) {
      parsed = authority(authority.trim());
      if (parsed == null) {
        return refuse(400, "invalid Host");
      }
    }
    return new ProxyTarget(0, null, uri, parsed);
  }

  /** The first header that breaks the rules, described, or null when all are fine. */
  static String invalidHeader(MultiMap headers) {
    for (Map.Entry<String, String> e : headers) {
      String name = e.getKey();
      if (!(name.startsWith(":") && token(name.substring(1))) && !token(name)) {
        return "invalid header name";
      }
      String value = e.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c == '\r' || c == '\n' || c == 0) {
          return "CR, LF or NUL in a header value";
        }
      }
    }
    return null;
  }

  /** An RFC 9110 token: one or more tchar. */
  static boolean token(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(alnum(c) || TCHAR_SYMBOLS.indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean visible(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  /** host [ ":" port ] per RFC 3986 (reg-name or bracketed IPv6 literal, no userinfo), or null. */
  static HostAndPort authority(String s) {
    if (s.isEmpty()) {
      return null;
    }
    String host;
    String port = null;
    if (s.charAt(0) == '[') {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = s.substring(0, close + 1);
      for (int i = 1; i < close; i++) {
        char c = s.charAt(i);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
          return null;
        }
      }
      String rest = s.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          return null;
        }
        port = rest.substring(1);
      }
    } else {
      int colon = s.indexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      port = colon < 0 ? null : s.substring(colon + 1);
      if (host.isEmpty()) {
        return null;
      }
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (!(alnum(c) || REG_NAME_SYMBOLS.indexOf(c) >= 0)) {
          return null;
        }
      }
    }
    int p = -1;
    if (port != null && !port.isEmpty()) {
      if (port.length() > 5) {
        return null;
      }
      for (int i = 0; i < port.length(); i++) {
        if (port.charAt(i) < '0' || port.charAt(i) > '9') {
          return null;
        }
      }
      p = Integer.parseInt(port);
      if (p > 65535) {
        return null;
      }
    }
    return HostAndPort.create(host, p);
  }
}
