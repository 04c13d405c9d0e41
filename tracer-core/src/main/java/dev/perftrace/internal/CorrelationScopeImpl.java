package dev.perftrace.internal;

import dev.perftrace.CorrelationScope;
import io.opentelemetry.context.Scope;

/**
 * An open correlation scope: the context scope plus the MDC value it replaced. Internal: not API.
 *
 * <p>Thread safety: close on the opening thread; {@link #correlationId()} from any thread.
 */
final class CorrelationScopeImpl implements CorrelationScope {
  private final String correlationId;
  private final Mdc mdc;
  private final String previousMdc;
  private Scope scope;

  CorrelationScopeImpl(String correlationId, Scope scope, Mdc mdc, String previousMdc) {
    this.correlationId = correlationId;
    this.scope = scope;
    this.mdc = mdc;
    this.previousMdc = previousMdc;
  }

  @Override
  public String correlationId() {
    return correlationId;
  }

  @Override
  public void close() {
    Scope s = scope;
    if (s == null) {
      return;
    }
    scope = null;
    try {
      if (mdc != null) {
        mdc.restore(previousMdc);
      }
    } finally {
      try {
        s.close();
      } catch (RuntimeException e) {
        // scope closed out of order: OpenTelemetry logs it; never throw into the caller
      }
    }
  }

  @Override
  public String toString() {
    return "CorrelationScope[" + correlationId + "]";
  }
}
