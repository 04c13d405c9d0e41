package dev.perftrace.internal;

import dev.perftrace.Ticker;

/**
 * The one {@link Ticker#system()} instance, so the tracer can tell it from a user's ticker: it
 * cannot throw, so an operation reads it after its span has started (the span start is not part
 * of the measured duration and no read happens before the start can fail).
 *
 * <p>Thread safety: stateless.
 */
public final class SystemTicker implements Ticker {

  /** The instance {@link Ticker#system()} returns. */
  public static final Ticker INSTANCE = new SystemTicker();

  private SystemTicker() {}

  @Override
  public long read() {
    return System.nanoTime();
  }

  @Override
  public String toString() {
    return "Ticker.system()";
  }
}
