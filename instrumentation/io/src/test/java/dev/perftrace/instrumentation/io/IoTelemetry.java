package dev.perftrace.instrumentation.io;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Map;

/** A real SDK with in-memory spans and metrics. */
final class IoTelemetry implements AutoCloseable {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .build();

  Map<Attributes, Long> longSums(String name) {
    Map<Attributes, Long> points = new HashMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals(name)) {
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          points.put(point.getAttributes(), point.getValue());
        }
      }
    }
    return points;
  }

  Map<Attributes, HistogramPointData> histograms(String name) {
    Map<Attributes, HistogramPointData> points = new HashMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals(name)) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          points.put(point.getAttributes(), point);
        }
      }
    }
    return points;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
