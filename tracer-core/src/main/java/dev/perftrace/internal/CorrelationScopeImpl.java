package dev.perftrace.internal;

import dev.perftrace.CorrelationScope;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * An open correlation scope: the context scope, plus (in {@link WithMdc}) the MDC value it
 * replaced. Without an MDC the object is 32 bytes (ID, scope, previous context) instead of 40. Internal: not API.
 *
 * <p>Thread safety: close on the opening thread (elsewhere close does nothing); {@link
 * #correlationId()} from any thread. Restores follow {@link ScopeStack}'s rule.
 */
class CorrelationScopeImpl implements CorrelationScope, ScopeStack.Entry {
  private final String correlationId;
  /** The context current before the scope opened, restored at close. */
  private final Context before;
  private Scope scope;

  private CorrelationScopeImpl(String correlationId, Scope scope, Context before) {
    this.correlationId = correlationId;
    this.scope = scope;
    this.before = before;
  }

  /** Returns an open scope; {@code mdc} null means no MDC to restore. */
  static CorrelationScope create(
      String correlationId, Scope scope, Context before, Mdc mdc, String previousMdc) {
    CorrelationScopeImpl created =
        mdc == null
            ? new CorrelationScopeImpl(correlationId, scope, before)
            : new WithMdc(correlationId, scope, before, mdc, previousMdc);
    ScopeStack.current().push(created);
    return created;
  }

  @Override
  public void invalidate() {
    scope = null;
  }

  @Override
  public String correlationId() {
    return correlationId;
  }

  /** Restores the MDC; nothing without one. Never throws. */
  void restoreMdc() {}

  @Override
  public final void close() {
    Scope s = scope;
    // not open on this thread: closed already, an enclosing scope closed first, or another thread
    if (s == null || !ScopeStack.current().remove(this)) {
      return;
    }
    scope = null;
    try {
      restoreMdc();
    } finally {
      ScopeStack.restore(s, before);
    }
  }

  @Override
  public String toString() {
    return "CorrelationScope[" + correlationId + "]";
  }

  /** A scope that also put the ID into the MDC. */
  private static final class WithMdc extends CorrelationScopeImpl {
    private final Mdc mdc;
    private final String previousMdc;

    WithMdc(String correlationId, Scope scope, Context before, Mdc mdc, String previousMdc) {
      super(correlationId, scope, before);
      this.mdc = mdc;
      this.previousMdc = previousMdc;
    }

    @Override
    void restoreMdc() {
      mdc.restore(previousMdc);
    }
  }
}
