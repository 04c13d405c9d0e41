package dev.perftrace.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;

/**
 * An operation's own context in one object: the parent context plus the operation's SDK span
 * (under OpenTelemetry's span key, so {@code Span.current()} is the SDK span) and the operation
 * (under {@link OperationImpl#KEY}). It replaces {@code parent.with(span).with(KEY, operation)},
 * which allocates two contexts and two arrays per operation. Used only with OpenTelemetry's own
 * context implementation; under a context bridge (the Java agent's) the operation uses ordinary
 * contexts. Internal: not API.
 *
 * <p>Thread safety: immutable.
 */
final class OperationContext implements Context {
  /** OpenTelemetry's span key, captured through the public {@code Span.storeInContext}. */
  static final ContextKey<?> SPAN_KEY = spanKey();

  /**
   * True when contexts are OpenTelemetry's own implementation (no bridge converting them, as the
   * Java agent's does), so this class can stand in for them.
   */
  static final boolean ENABLED =
      SPAN_KEY != null
          && "io.opentelemetry.context.ArrayBasedContext".equals(Context.root().getClass().getName());

  /**
   * True when, on top of {@link #ENABLED}, the context storage is OpenTelemetry's plain
   * thread-local one (no wrapper watching scopes): an operation then makes its context current
   * without keeping the returned scope, and restores by making the earlier context current
   * again, which is all closing that scope would do (and lets the JIT drop both scope objects).
   */
  static final boolean SCOPELESS =
      ENABLED
          && "io.opentelemetry.context.ThreadLocalContextStorage"
              .equals(io.opentelemetry.context.ContextStorage.get().getClass().getName());

  final Context parent;
  final Span span;
  final OperationImpl operation;

  OperationContext(Context parent, Span span, OperationImpl operation) {
    this.parent = parent;
    this.span = span;
    this.operation = operation;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <V> V get(ContextKey<V> key) {
    if (key == SPAN_KEY) {
      return (V) span;
    }
    if (key == OperationImpl.KEY) {
      return (V) operation;
    }
    return parent.get(key);
  }

  @Override
  public <V> Context with(ContextKey<V> key, V value) {
    // a context derived from the operation's (more baggage, say) is an ordinary one
    return parent.with(span).with(OperationImpl.KEY, operation).with(key, value);
  }

  @Override
  public String toString() {
    return "{" + parent + " + span " + span + " + " + operation + "}";
  }

  private static ContextKey<?> spanKey() {
    KeyProbe probe = new KeyProbe();
    try {
      Span.getInvalid().storeInContext(probe);
    } catch (RuntimeException e) {
      return null;
    }
    return probe.key;
  }

  /** Captures the key a value stores itself under. */
  private static final class KeyProbe implements Context {
    ContextKey<?> key;

    @Override
    public <V> V get(ContextKey<V> k) {
      return null;
    }

    @Override
    public <V> Context with(ContextKey<V> k, V value) {
      key = k;
      return this;
    }
  }
}
