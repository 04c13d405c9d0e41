package dev.perftrace.sdk.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Hands an exporter to a processor that does not own it: exports and flushes go through,
 * {@link #shutdown()} does nothing (the owner shuts the exporter down). PerfTrace replaces
 * autoconfigure's batch span processor by its own (which counts queue drops), and shuts the
 * replaced one down at once without closing the exporter both share.
 *
 * <p>This class is internal and is not API. Thread safety: as safe as the delegate.
 */
public final class UnownedSpanExporter implements SpanExporter {

  private final SpanExporter delegate;

  public UnownedSpanExporter(SpanExporter delegate) {
    this.delegate = delegate;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    return delegate.export(spans);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "UnownedSpanExporter{" + delegate + "}";
  }
}
