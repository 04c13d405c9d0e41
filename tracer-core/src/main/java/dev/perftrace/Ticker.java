package dev.perftrace;

/**
 * A monotonic time source in nanoseconds, injectable so that tests control time.
 *
 * <p>Thread safety: implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current reading in nanoseconds; only differences between readings matter. */
  long read();

  /** Returns the ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
