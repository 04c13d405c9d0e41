package dev.perftrace;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;

/**
 * A running operation: a span that is current on the starting thread until {@link #close()}.
 *
 * <p>Thread safety: every method may be called from any thread. The rule: {@link #close()} ends
 * the span and records the duration exactly once, wherever it runs; it restores the starting
 * thread's context only when it runs on that thread (as try-with-resources does). A close on
 * another thread ends and records, restores nothing (no thread's context can be changed from
 * outside) and counts {@code close_foreign_thread}; the starting thread gets its context back when
 * a PerfTrace scope enclosing the operation closes there. Closing twice is a no-op. Closing a
 * PerfTrace scope (operation or correlation scope) restores the context and MDC that were current
 * when it opened, even when scopes opened inside it are still open; those later close without
 * touching the context. An operation from {@link PerfTracer#startDetached} is
 * never current by itself: {@link #makeCurrent()} makes it current for a block, and its {@link
 * #close()} ends it from any thread without counting anything.
 */
public interface Operation extends AutoCloseable {

  /**
   * Marks the operation failed: at end, span status ERROR, an exception event and {@code
   * error.type} (the class name; bounded on the metric) are applied together with the metric
   * outcome {@code error}. {@code CompletionException}/{@code ExecutionException} wrappers are
   * unwrapped; a {@code CancellationException} makes the outcome {@code cancelled}; an exception
   * the builder's error classifier does not count leaves the outcome {@code success}. The first
   * outcome wins; ignored after close.
   */
  void fail(Throwable error);

  /**
   * Marks the operation failed without an exception (an HTTP 503, a rejected request): at end,
   * span status ERROR and {@code error.type} = {@code errorType} (bounded on the metric, which
   * folds extra values into {@code _OTHER}), no exception event. A blank type is counted as
   * {@code name_blank} and becomes {@code _OTHER}. The first outcome wins; ignored after close.
   */
  void failWithType(String errorType);

  /**
   * Sets a span attribute. Span attributes may be high-cardinality; they never reach metrics.
   * Ignored after close.
   */
  Operation setAttribute(String key, String value);

  /** Sets a span attribute. Ignored after close. */
  Operation setAttribute(String key, long value);

  /**
   * Sets a declared low-cardinality metric attribute: {@code key} must have been declared with
   * {@link PerfTracerBuilder#addMetricAttribute(String, int)} on this operation's tracer, or it
   * is dropped and counted as {@code metric_attribute_undeclared}. The value is sanitized like a
   * name (blank: dropped, counted as {@code name_blank}); values beyond the key's bound of
   * distinct values fold into {@code _overflow} on the metric (counted as {@code
   * cardinality_overflow}). It goes on {@code perftrace.operation.duration} at end (the last
   * value set wins) and, sanitized but not bounded, on the span. Ignored after close; never
   * throws.
   */
  Operation setMetricAttribute(String key, String value);

  /**
   * Makes this operation (its span, and it as the current operation for byte and cache totals)
   * current on the calling thread until the returned scope is closed; closing the scope restores
   * that thread's previous context and does not end the operation. Use in try-with-resources, for
   * an operation from {@link PerfTracer#startDetached} or to continue one on another thread. After
   * the operation has ended it returns a scope that does nothing. Never throws.
   */
  Scope makeCurrent();

  /** Returns the span of this operation (a no-op span for the no-op tracer). */
  Span span();

  /**
   * Ends the span, records the duration and, on the starting thread, restores the context that
   * was current at start. Never throws.
   */
  @Override
  void close();
}
