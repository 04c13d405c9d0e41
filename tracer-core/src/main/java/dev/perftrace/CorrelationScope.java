package dev.perftrace;

/**
 * A correlation scope: while open, its correlation ID is current (in OpenTelemetry baggage, on
 * every span PerfTrace starts, and in the logging MDC when enabled).
 *
 * <p>Thread safety: close it on the thread that opened it (try-with-resources); {@link
 * #correlationId()} may be read from any thread. Closing twice is a no-op.
 */
public interface CorrelationScope extends AutoCloseable {

  /** Returns the correlation ID of this scope. */
  String correlationId();

  /** Restores the context and MDC that were current when the scope was opened. Never throws. */
  @Override
  void close();
}
