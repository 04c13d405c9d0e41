package dev.perftrace.examples.store;

import static java.util.Objects.requireNonNull;

import java.net.URI;

/**
 * A remote peer of a {@link ContentStore}: a name (recorded as the bandwidth source, so keep the
 * set of names small) and the base URI of a {@link PeerServer}.
 *
 * <p>Thread safety: immutable.
 */
public final class RemotePeer {

  private final String name;
  private final URI baseUri;

  private RemotePeer(String name, URI baseUri) {
    this.name = name;
    this.baseUri = baseUri;
  }

  /**
   * Returns a peer named {@code name} served at {@code baseUri} (an absolute {@code http} URI such
   * as {@code http://127.0.0.1:8080/}).
   *
   * @throws IllegalArgumentException naming the parameter when the name is blank or the URI is not
   *     an absolute http URI
   */
  public static RemotePeer of(String name, URI baseUri) {
    requireNonNull(name, "name");
    requireNonNull(baseUri, "baseUri");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (!"http".equalsIgnoreCase(baseUri.getScheme()) || baseUri.getHost() == null) {
      throw new IllegalArgumentException("baseUri must be an absolute http URI, was " + baseUri);
    }
    String path = baseUri.getPath() == null || baseUri.getPath().isEmpty() ? "/" : baseUri.getPath();
    if (!path.endsWith("/")) {
      path = path + "/";
    }
    return new RemotePeer(name, baseUri.resolve(path));
  }

  /** Returns the peer name. */
  public String name() {
    return name;
  }

  /** Returns the base URI, ending in {@code /}. */
  public URI baseUri() {
    return baseUri;
  }

  URI contentUri(String key) {
    return baseUri.resolve(PeerServer.CONTENT_PATH.substring(1) + key);
  }

  @Override
  public String toString() {
    return "RemotePeer{" + name + " at " + baseUri + "}";
  }
}
