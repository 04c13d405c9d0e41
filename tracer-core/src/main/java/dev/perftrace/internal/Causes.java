package dev.perftrace.internal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Finds the real cause behind {@link CompletionException} and {@link ExecutionException}
 * wrappers. Internal: not API.
 *
 * <p>Thread safety: stateless.
 */
final class Causes {
  /** Wrapper chains longer than this are cut (a cause cycle would otherwise never end). */
  static final int MAX_DEPTH = 16;

  private Causes() {}

  /**
   * Returns the first throwable in {@code error}'s cause chain that is not a wrapper with a cause;
   * stops at a cycle (a cause seen before, a cause that is itself), after {@link #MAX_DEPTH}
   * steps, or when {@code getCause()} throws, returning the last throwable reached. Never throws.
   */
  static Throwable unwrap(Throwable error) {
    Throwable t = error;
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
      if (!(t instanceof CompletionException || t instanceof ExecutionException)) {
        return t;
      }
      Throwable cause;
      try {
        cause = t.getCause();
      } catch (RuntimeException | Error e) { // an overridden getCause
        return t;
      }
      if (cause == null || cause == t || seen(error, t, cause)) {
        return t;
      }
      t = cause;
    }
    return t;
  }

  /** True when {@code cause} already appears in the chain from {@code first} up to {@code last}. */
  private static boolean seen(Throwable first, Throwable last, Throwable cause) {
    Throwable t = first;
    for (int i = 0; i < MAX_DEPTH && t != null; i++) {
      if (t == cause) {
        return true;
      }
      if (t == last) {
        return false;
      }
      try {
        t = t.getCause();
      } catch (RuntimeException | Error e) {
        return true;
      }
    }
    return true;
  }
}
