package dev.perftrace.exporter.otlp.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * A metric exporter behind a circuit breaker that records health and drops.
 *
 * <p>This class is internal and is not API. Thread safety: as safe as the delegate; the guard
 * state is thread-safe.
 */
public final class GuardedMetricExporter implements MetricExporter {

  private final MetricExporter delegate;
  private final GuardCore core;

  public GuardedMetricExporter(MetricExporter delegate, GuardCore core) {
    this.delegate = delegate;
    this.core = core;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    return GuardedSpanExporter.Guarded.export(core, metrics, delegate::export);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
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
  public MetricExporter delegate() {
    return delegate;
  }

  @Override
  public String toString() {
    return "GuardedMetricExporter{" + delegate + "}";
  }
}
