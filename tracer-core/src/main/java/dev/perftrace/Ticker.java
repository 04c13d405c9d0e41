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

  /**
   * Returns the ticker backed by {@link System#nanoTime()} (always the same instance). With it an
   * operation's start is read just after its span has started; with any other ticker it is read
   * just before, so that a ticker that throws leaves no span behind (the operation then runs
   * untraced).
   */
  static Ticker system() {
    return dev.perftrace.internal.SystemTicker.INSTANCE;
  }
}
