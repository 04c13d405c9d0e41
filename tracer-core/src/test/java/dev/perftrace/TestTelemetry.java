package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** An SDK with an in-memory span exporter and metric reader, plus lookups for exact asserts. */
final class TestTelemetry implements AutoCloseable {
  final InMemorySpanExporter spanExporter = InMemorySpanExporter.create();
  final InMemoryMetricReader metricReader = InMemoryMetricReader.create();
  final FakeTicker ticker = new FakeTicker();
  final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spanExporter))
                  .build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metricReader).build())
          .setPropagators(
              ContextPropagators.create(
                  TextMapPropagator.composite(
                      W3CTraceContextPropagator.getInstance(),
                      W3CBaggagePropagator.getInstance())))
          .build();

  PerfTracerBuilder builder() {
    return PerfTracer.builder(sdk, "test.scope").setTicker(ticker);
  }

  PerfTracer tracer() {
    return builder().build();
  }

  List<SpanData> spans() {
    return spanExporter.getFinishedSpanItems();
  }

  SpanData span(String name) {
    List<SpanData> matching =
        spans().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
    assertThat(matching).as("spans named %s", name).hasSize(1);
    return matching.get(0);
  }

  Collection<MetricData> metrics() {
    return metricReader.collectAllMetrics();
  }

  Optional<MetricData> metric(String name) {
    return metrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  /** The histogram point with exactly these attributes (fails when absent). */
  HistogramPointData histogram(String name, Attributes attributes) {
    MetricData metric = metric(name).orElseThrow(() -> new AssertionError("no metric " + name));
    return metric.getHistogramData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no point " + attributes + " in " + metric.getHistogramData().getPoints()));
  }

  /** All histogram points of a metric. */
  Collection<HistogramPointData> histogramPoints(String name) {
    return metric(name).map(m -> m.getHistogramData().getPoints()).orElse(List.of());
  }

  /** The value of the long sum point with exactly these attributes, or 0 when absent. */
  long sum(String name, Attributes attributes) {
    return metric(name)
        .map(
            m ->
                m.getLongSumData().getPoints().stream()
                    .filter(p -> p.getAttributes().equals(attributes))
                    .mapToLong(LongPointData::getValue)
                    .sum())
        .orElse(0L);
  }

  /** All long sum points of a metric. */
  Collection<LongPointData> sumPoints(String name) {
    return metric(name).map(m -> m.getLongSumData().getPoints()).orElse(List.of());
  }

  /** Points of {@code perftrace.telemetry.rejected} that counted something (all start at 0). */
  List<LongPointData> nonZeroRejections() {
    return sumPoints("perftrace.telemetry.rejected").stream()
        .filter(p -> p.getValue() != 0)
        .collect(java.util.stream.Collectors.toList());
  }

  long rejected(String reason) {
    return sum("perftrace.telemetry.rejected", Attributes.of(PerfAttributes.REASON, reason));
  }

  @Override
  public void close() {
    sdk.close();
  }
}
