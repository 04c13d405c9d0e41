package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.DropReason;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * A span exporter behind a circuit breaker that records health and drops.
 *
 * <p>This class is internal and is not API. Thread safety: as safe as the delegate; the guard
 * state is thread-safe.
 */
public final class GuardedSpanExporter implements SpanExporter {

  private final SpanExporter delegate;
  private final GuardCore core;

  public GuardedSpanExporter(SpanExporter delegate, GuardCore core) {
    this.delegate = delegate;
    this.core = core;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return Guarded.export(core, spans.size(), () -> delegate.export(spans));
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  /** Returns the wrapped exporter. */
  public SpanExporter delegate() {
    return delegate;
  }

  @Override
  public String toString() {
    return "GuardedSpanExporter{" + delegate + "}";
  }

  static final class Guarded {
    private Guarded() {}

    interface Call {
      CompletableResultCode run();
    }

    static CompletableResultCode export(GuardCore core, int items, Call call) {
      if (items == 0) {
        return CompletableResultCode.ofSuccess();
      }
      GuardCore.Permit permit = core.acquire();
      if (permit == GuardCore.Permit.REJECT) {
        core.drop(DropReason.CIRCUIT_OPEN, items);
        return CompletableResultCode.ofFailure();
      }
      CompletableResultCode result;
      try {
        result = call.run();
      } catch (RuntimeException e) {
        core.onFailure(items, e);
        return CompletableResultCode.ofExceptionalFailure(e);
      }
      result.whenComplete(
          () -> {
            if (result.isSuccess()) {
              core.onSuccess(items);
            } else {
              core.onFailure(items, result.getFailureThrowable());
            }
          });
      return result;
    }
  }
}
