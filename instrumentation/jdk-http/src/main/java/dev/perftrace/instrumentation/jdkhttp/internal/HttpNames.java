package dev.perftrace.instrumentation.jdkhttp.internal;

import java.net.URI;
import java.util.Set;

/**
 * HTTP semantic-convention names and values shared by the client and the server. Internal: not
 * API.
 *
 * <p>Thread safety: constants and pure functions.
 */
public final class HttpNames {
  public static final String METHOD = "http.request.method";
  public static final String METHOD_ORIGINAL = "http.request.method_original";
  public static final String STATUS_CODE = "http.response.status_code";
  public static final String URL_FULL = "url.full";
  public static final String URL_PATH = "url.path";
  public static final String URL_QUERY = "url.query";
  public static final String URL_SCHEME = "url.scheme";
  public static final String ROUTE = "http.route";
  public static final String SERVER_ADDRESS = "server.address";
  public static final String SERVER_PORT = "server.port";
  public static final String CLIENT_ADDRESS = "client.address";
  public static final String PROTOCOL_VERSION = "network.protocol.version";
  /** Method value for methods outside the known set (semantic conventions). */
  public static final String OTHER = "_OTHER";

  private static final Set<String> KNOWN =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private HttpNames() {}

  /** Returns the method if it is a known one, else {@value #OTHER}. */
  public static String method(String method) {
    return method != null && KNOWN.contains(method) ? method : OTHER;
  }

  /** Returns the default port of {@code uri} when it has none. */
  public static int port(URI uri) {
    int port = uri.getPort();
    if (port >= 0) {
      return port;
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** Returns {@code uri} as a string with any user information replaced by REDACTED. */
  public static String redacted(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    StringBuilder s = new StringBuilder();
    s.append(uri.getScheme()).append("://REDACTED:REDACTED@").append(uri.getRawAuthority(), uri.getRawAuthority().indexOf('@') + 1, uri.getRawAuthority().length());
    if (uri.getRawPath() != null) {
      s.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      s.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      s.append('#').append(uri.getRawFragment());
    }
    return s.toString();
  }

  /** Returns "1.1" for "HTTP/1.1", "2" for HTTP_2 and so on. */
  public static String protocolVersion(String protocol) {
    if (protocol == null) {
      return null;
    }
    int slash = protocol.indexOf('/');
    String version = slash < 0 ? protocol : protocol.substring(slash + 1);
    return version.equals("2.0") ? "2" : version;
  }

  /** Returns the outcome of a status: true when it counts as a failure. */
  public static boolean isFailure(int status, boolean failOn4xx) {
    return status >= 500 || (failOn4xx && status >= 400 && status < 500);
  }
}
