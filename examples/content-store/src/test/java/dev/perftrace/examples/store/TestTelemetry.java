package dev.perftrace.examples.store;

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
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A real OpenTelemetry SDK with W3C propagators, in-memory spans and an in-memory reader. */
final class TestTelemetry implements AutoCloseable {

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk =
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

  /** Waits until exactly {@code count} spans have ended (the peer's may end after the client's). */
  List<SpanData> awaitSpans(int count) {
    return Poll.until(
        count + " finished spans",
        Duration.ofSeconds(10),
        spans::getFinishedSpanItems,
        list -> list.size() >= count);
  }

  /** Returns the one span named {@code name}. */
  static SpanData span(List<SpanData> spans, String name) {
    List<SpanData> named = spans.stream().filter(s -> s.getName().equals(name)).toList();
    if (named.size() != 1) {
      throw new AssertionError("expected one span named " + name + " in " + spans);
    }
    return named.get(0);
  }

  /** Returns the long-sum points of metric {@code name} in {@code scope}, by attributes. */
  Map<Attributes, Long> longSums(String scope, String name) {
    Map<Attributes, Long> points = new HashMap<>();
    for (MetricData metric : select(scope, name)) {
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        points.put(point.getAttributes(), point.getValue());
      }
    }
    return points;
  }

  /** Returns the histogram points of metric {@code name} in {@code scope}, by attributes. */
  Map<Attributes, HistogramPointData> histograms(String scope, String name) {
    Map<Attributes, HistogramPointData> points = new HashMap<>();
    for (MetricData metric : select(scope, name)) {
      for (HistogramPointData point : metric.getHistogramData().getPoints()) {
        points.put(point.getAttributes(), point);
      }
    }
    return points;
  }

  private List<MetricData> select(String scope, String name) {
    Collection<MetricData> all = metrics.collectAllMetrics();
    return all.stream()
        .filter(m -> m.getInstrumentationScopeInfo().getName().equals(scope))
        .filter(m -> m.getName().equals(name))
        .toList();
  }

  @Override
  public void close() {
    sdk.close();
  }
}
