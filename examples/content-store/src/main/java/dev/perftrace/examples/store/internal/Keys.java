package dev.perftrace.examples.store.internal;

import java.util.regex.Pattern;

/**
 * Content-key validation shared by the store and the peer server. Internal: not API.
 *
 * <p>Thread safety: stateless.
 */
public final class Keys {

  /** Longest accepted key. */
  public static final int MAX_LENGTH = 200;

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

  private Keys() {}

  /** Returns whether {@code key} is a valid content key (also a safe file name and URL path). */
  public static boolean isValid(String key) {
    return key != null && VALID.matcher(key).matches() && !key.equals(".") && !key.equals("..");
  }

  /**
   * Returns {@code key} when valid.
   *
   * @throws IllegalArgumentException naming the parameter otherwise
   */
  public static String check(String key) {
    if (!isValid(key)) {
      throw new IllegalArgumentException(
          "key must match [A-Za-z0-9._-]{1," + MAX_LENGTH + "} and not be '.' or '..', was "
              + (key == null ? "null" : "'" + key + "'"));
    }
    return key;
  }
}
