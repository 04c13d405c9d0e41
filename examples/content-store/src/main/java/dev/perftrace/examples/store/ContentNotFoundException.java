package dev.perftrace.examples.store;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link ContentStore#get(String)} when no tier (memory, disk or the remote peer) has
 * the key. The {@code store.get} operation is recorded as failed with this type as {@code
 * error.type}.
 *
 * <p>Thread safety: immutable.
 */
public final class ContentNotFoundException extends NoSuchElementException {
  private static final long serialVersionUID = 1L;

  private final String key;

  ContentNotFoundException(String key, String peerName) {
    super("no tier has key '" + key + "' (remote peer " + peerName + " answered 404)");
    this.key = key;
  }

  /** Returns the key that was not found. */
  public String key() {
    return key;
  }
}
