package dev.perftrace.exporter.otlp.internal;

import io.grpc.ManagedChannel;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;

/**
 * An OTLP/gRPC metric exporter that owns its grpc-java channel and shuts it down with itself.
 *
 * <p>This class is internal and is not API. Thread safety: as the delegate (thread-safe).
 */
public final class ChannelOwningMetricExporter implements MetricExporter {

  private final MetricExporter delegate;
  private final ManagedChannel channel;
  private final String description;

  public ChannelOwningMetricExporter(
      MetricExporter delegate, ManagedChannel channel, String description) {
    this.delegate = delegate;
    this.channel = channel;
    this.description = description;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    return delegate.export(metrics);
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
    CompletableResultCode result = delegate.shutdown();
    channel.shutdownNow();
    return result;
  }

  @Override
  public String toString() {
    return "OtlpGrpcMetricExporter{" + description + "}";
  }
}
