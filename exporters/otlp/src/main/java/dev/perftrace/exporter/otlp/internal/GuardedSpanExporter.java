package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.DropReason;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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
    return Guarded.export(core, spans, delegate::export);
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

    interface Call<T> {
      CompletableResultCode run(Collection<T> items);
    }

    static <T> CompletableResultCode export(GuardCore core, Collection<T> items, Call<T> call) {
      if (items.isEmpty()) {
        return CompletableResultCode.ofSuccess();
      }
      GuardCore.Permit permit = core.acquire();
      if (permit == GuardCore.Permit.REJECT) {
        core.drop(DropReason.CIRCUIT_OPEN, items.size());
        return CompletableResultCode.ofFailure();
      }
      return attempt(core, items, call);
    }

    /**
     * Exports {@code items}; when the collector refuses them for their size ({@link
     * GuardCore#isTooLarge}) and there is more than one, exports each half again, so that only
     * the oversized item itself is dropped and counted.
     */
    private static <T> CompletableResultCode attempt(
        GuardCore core, Collection<T> items, Call<T> call) {
      CompletableResultCode result;
      try {
        result = call.run(items);
      } catch (RuntimeException e) {
        core.onFailure(items.size(), e);
        return CompletableResultCode.ofExceptionalFailure(e);
      }
      CompletableResultCode outcome = new CompletableResultCode();
      result.whenComplete(
          () -> {
            if (result.isSuccess()) {
              core.onSuccess(items.size());
              outcome.succeed();
              return;
            }
            Throwable error = result.getFailureThrowable();
            if (items.size() > 1 && GuardCore.isTooLarge(error)) {
              List<T> all = new ArrayList<>(items);
              int half = all.size() / 2;
              CompletableResultCode first = attempt(core, all.subList(0, half), call);
              CompletableResultCode second = attempt(core, all.subList(half, all.size()), call);
              CompletableResultCode both = CompletableResultCode.ofAll(List.of(first, second));
              both.whenComplete(
                  () -> {
                    if (both.isSuccess()) {
                      outcome.succeed();
                    } else {
                      outcome.failExceptionally(error);
                    }
                  });
              return;
            }
            core.onFailure(items.size(), error);
            if (error == null) {
              outcome.fail();
            } else {
              outcome.failExceptionally(error);
            }
          });
      return outcome;
    }
  }
}
