package dev.perftrace.instrumentation.grpc;

import dev.perftrace.PerfTracer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One side's OpenTelemetry SDK (W3C trace context and baggage propagators, in-memory span
 * exporter and metric reader) and the PerfTracer over it.
 *
 * <p>Thread safety: the SDK parts are thread-safe.
 */
final class Telemetry implements AutoCloseable {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk;
  final PerfTracer tracer;

  Telemetry(String scope) {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(
                ContextPropagators.create(
                    TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(),
                        W3CBaggagePropagator.getInstance())))
            .build();
    tracer = PerfTracer.create(sdk, scope);
  }

  List<SpanData> spansNamed(String name) {
    List<SpanData> named = new ArrayList<>();
    for (SpanData span : spans.getFinishedSpanItems()) {
      if (span.getName().equals(name)) {
        named.add(span);
      }
    }
    return named;
  }

  /** Sum of {@code perftrace.transfer.io} by "direction source". */
  Map<String, Long> transferIo() {
    Map<String, Long> sums = new TreeMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals("perftrace.transfer.io")) {
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          Attributes a = point.getAttributes();
          sums.merge(
              a.get(AttributeKey.stringKey("network.io.direction"))
                  + " "
                  + a.get(AttributeKey.stringKey("perftrace.transfer.source")),
              point.getValue(),
              Long::sum);
        }
      }
    }
    return sums;
  }

  /** Number of {@code perftrace.transfer.size} records by direction. */
  Map<String, Long> transferSizeCounts() {
    Map<String, Long> counts = new TreeMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals("perftrace.transfer.size")) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          counts.merge(
              point.getAttributes().get(AttributeKey.stringKey("network.io.direction")),
              point.getCount(),
              Long::sum);
        }
      }
    }
    return counts;
  }

  /**
   * The {@code perftrace.operation.duration} points of {@code operation} as "outcome error.type"
   * to count.
   */
  Map<String, Long> durations(String operation) {
    Map<String, Long> counts = new TreeMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getName().equals("perftrace.operation.duration")) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          Attributes a = point.getAttributes();
          if (operation.equals(a.get(AttributeKey.stringKey("perftrace.operation.name")))) {
            counts.merge(
                a.get(AttributeKey.stringKey("perftrace.operation.outcome"))
                    + " "
                    + a.get(AttributeKey.stringKey("error.type")),
                point.getCount(),
                Long::sum);
          }
        }
      }
    }
    return counts;
  }

  @Override
  public void close() {
    sdk.close();
  }
}
