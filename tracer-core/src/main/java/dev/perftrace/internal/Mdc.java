package dev.perftrace.internal;

/**
 * Puts the correlation ID into the SLF4J MDC when SLF4J is on the class path (it is an optional
 * dependency); otherwise does nothing. Internal: not API.
 *
 * <p>Thread safety: stateless; the MDC itself is per thread.
 */
final class Mdc {
  private static final boolean AVAILABLE = detect();

  private final String key;

  private Mdc(String key) {
    this.key = key;
  }

  /** Returns an MDC bridge for {@code key}, or null when disabled or SLF4J is absent. */
  static Mdc create(boolean enabled, String key) {
    return enabled && AVAILABLE ? new Mdc(key) : null;
  }

  private static boolean detect() {
    try {
      Class.forName("org.slf4j.MDC", false, Mdc.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Puts {@code value} and returns the previous value (may be null). Never throws. */
  String put(String value) {
    try {
      return Slf4j.put(key, value);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** Returns the current value (may be null). Never throws. */
  String get() {
    try {
      return Slf4j.get(key);
    } catch (RuntimeException | LinkageError e) {
      return null;
    }
  }

  /** Restores {@code previous} (removes the key when null). Never throws. */
  void restore(String previous) {
    try {
      Slf4j.restore(key, previous);
    } catch (RuntimeException | LinkageError e) {
      // a broken MDC adapter must not harm the caller
    }
  }

  /** Loaded only when SLF4J is present. */
  private static final class Slf4j {
    static String put(String key, String value) {
      String previous = org.slf4j.MDC.get(key);
      org.slf4j.MDC.put(key, value);
      return previous;
    }

    static String get(String key) {
      return org.slf4j.MDC.get(key);
    }

    static void restore(String key, String previous) {
      if (previous == null) {
        org.slf4j.MDC.remove(key);
      } else {
        org.slf4j.MDC.put(key, previous);
      }
    }
  }
}
