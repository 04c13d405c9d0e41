package dev.perftrace;

import io.opentelemetry.api.trace.Span;

/**
 * A running operation: a span that is current on the starting thread until {@link #close()}.
 *
 * <p>Thread safety: {@link #close()}, {@link #fail(Throwable)} and the attribute setters may be
 * called from any thread; {@link #close()} must be called on the thread that started the
 * operation (as try-with-resources does), because it restores that thread's context. Closing
 * twice is a no-op.
 */
public interface Operation extends AutoCloseable {

  /** Marks the operation failed: span status ERROR, an exception event, {@code error.type}. */
  void fail(Throwable error);

  /**
   * Sets a span attribute. Span attributes may be high-cardinality; they never reach metrics.
   * Ignored after close.
   */
  Operation setAttribute(String key, String value);

  /** Sets a span attribute. Ignored after close. */
  Operation setAttribute(String key, long value);

  /** Returns the span of this operation (a no-op span for the no-op tracer). */
  Span span();

  /** Ends the span, records the duration and restores the previous context. Never throws. */
  @Override
  void close();
}
