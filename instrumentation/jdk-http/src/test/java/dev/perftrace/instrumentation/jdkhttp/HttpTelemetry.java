package dev.perftrace.instrumentation.jdkhttp;

import dev.perftrace.testing.Poll;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real SDK with W3C propagators, in-memory spans and metrics. */
final class HttpTelemetry implements AutoCloseable {
  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
          .setPropagators(
              ContextPropagators.create(
                  TextMapPropagator.composite(
                      W3CTraceContextPropagator.getInstance(),
                      W3CBaggagePropagator.getInstance())))
          .build();

  /** Waits until exactly {@code count} spans ended, then returns them (fails on more). */
  List<SpanData> awaitSpans(int count) {
    List<SpanData> spans =
        Poll.until(
            count + " finished spans",
            Duration.ofSeconds(10),
            this.spans::getFinishedSpanItems,
            list -> list.size() >= count);
    if (spans.size() != count) {
      throw new AssertionError("expected " + count + " spans, got " + spans);
    }
    return spans;
  }

  static SpanData span(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    if (named.size() != 1) {
      throw new AssertionError("expected one span named " + name + " in " + spans);
    }
    return named.get(0);
  }

  Map<Attributes, Long> longSums(String scope, String name) {
    Map<Attributes, Long> points = new HashMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getInstrumentationScopeInfo().getName().equals(scope)
          && metric.getName().equals(name)) {
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          points.put(point.getAttributes(), point.getValue());
        }
      }
    }
    return points;
  }

  Map<Attributes, HistogramPointData> histograms(String scope, String name) {
    Map<Attributes, HistogramPointData> points = new HashMap<>();
    for (MetricData metric : metrics.collectAllMetrics()) {
      if (metric.getInstrumentationScopeInfo().getName().equals(scope)
          && metric.getName().equals(name)) {
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
