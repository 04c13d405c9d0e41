package dev.perftrace.exporter.otlp.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Appends each collection of metrics to a {@link JsonLinesFile} as one OTLP-JSON line.
 *
 * <p>This class is internal and is not API. Thread safety: safe for concurrent use.
 */
public final class JsonLinesMetricExporter implements MetricExporter {

  private final JsonLinesFile file;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  public JsonLinesMetricExporter(JsonLinesFile file) {
    this.file = file;
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    return file.export(() -> OtlpJson.metrics(metrics));
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown.set(true);
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "JsonLinesMetricExporter{" + file.path() + "}";
  }
}
