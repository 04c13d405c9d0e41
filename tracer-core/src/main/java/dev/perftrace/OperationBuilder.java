package dev.perftrace;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;

/**
 * Starts an operation with more than a name: span kind, attributes given at start (visible to
 * samplers), links and an explicit parent. Get one from {@link PerfTracer#operation(String)}.
 * Attributes set with {@code setAttribute} are span attributes only (they may be high-cardinality
 * and never reach metrics); {@link #setMetricAttribute} sets a declared metric attribute. Null arguments are ignored and counted as {@code argument_null}; nothing here throws.
 *
 * <p>Thread safety: not thread-safe; use one builder on one thread and start it once (a second
 * start starts another operation with the same settings).
 */
public interface OperationBuilder {

  /** Sets the span kind (default {@link SpanKind#INTERNAL}). */
  OperationBuilder setSpanKind(SpanKind spanKind);

  /** Sets a span attribute at start, where samplers see it. */
  OperationBuilder setAttribute(String key, String value);

  /** Sets a span attribute at start, where samplers see it. */
  OperationBuilder setAttribute(String key, long value);

  /**
   * Sets a declared low-cardinality metric attribute on the operation once started, as {@link
   * Operation#setMetricAttribute(String, String)} (it reaches the span just after start, so
   * samplers don't see it).
   */
  OperationBuilder setMetricAttribute(String key, String value);

  /** Adds a link to another span (a batch's messages, say). Invalid span contexts are dropped. */
  OperationBuilder addLink(SpanContext spanContext);

  /**
   * Sets the parent context (default: the current one at start). The correlation ID, if any, is
   * read from this context's baggage. The context restored at close is still the one current at
   * start.
   */
  OperationBuilder setParent(Context parent);

  /** Starts the operation and makes it current, as {@link PerfTracer#start(String)}. */
  Operation start();

  /** Starts the operation without making it current, as {@link PerfTracer#startDetached}. */
  Operation startDetached();
}
