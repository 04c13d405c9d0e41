package dev.perftrace.sdk.internal;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * A {@link MetricExporter} that delegates everything but the default aggregation of histograms,
 * which it replaces (PerfTraceSdk's histogram aggregation setting). Not API.
 *
 * <p>Thread safety: as thread-safe as the delegate.
 */
public final class HistogramAggregationMetricExporter implements MetricExporter {

  private final MetricExporter delegate;
  private final Aggregation histogramAggregation;

  /** Wraps {@code delegate} with {@code histogramAggregation} for histograms. */
  public HistogramAggregationMetricExporter(
      MetricExporter delegate, Aggregation histogramAggregation) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.histogramAggregation = requireNonNull(histogramAggregation, "histogramAggregation");
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return instrumentType == InstrumentType.HISTOGRAM
        ? histogramAggregation
        : delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    return delegate.export(metrics);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "HistogramAggregationMetricExporter{" + delegate + ", histograms=" + histogramAggregation
        + "}";
  }
}
