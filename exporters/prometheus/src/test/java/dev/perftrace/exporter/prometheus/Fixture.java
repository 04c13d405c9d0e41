package dev.perftrace.exporter.prometheus;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.time.TestClock;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/** An SDK (meter and tracer providers with a test clock) wired to one exporter, for tests. */
final class Fixture implements AutoCloseable {

  static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
  static final Resource RESOURCE =
      Resource.create(
          Attributes.of(
              AttributeKey.stringKey("service.name"), "checkout",
              AttributeKey.stringKey("service.instance.id"), "i-1"));

  final TestClock clock = TestClock.create(NOW);
  final PrometheusExporter exporter;
  final SdkMeterProvider meterProvider;
  final SdkTracerProvider tracerProvider;

  Fixture(PrometheusExporter exporter) {
    this(exporter, b -> {});
  }

  Fixture(PrometheusExporter exporter, Consumer<SdkMeterProviderBuilder> customizer) {
    this.exporter = exporter;
    SdkMeterProviderBuilder builder =
        SdkMeterProvider.builder()
            .setClock(clock)
            .setResource(RESOURCE)
            .registerMetricReader(exporter);
    customizer.accept(builder);
    this.meterProvider = builder.build();
    this.tracerProvider =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .setClock(clock)
            // From 1.6x a provider without a span processor hands out no-op tracers (invalid
            // span contexts, so no exemplars): give it one.
            .addSpanProcessor(
                io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(
                    io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create()))
            .build();
  }

  /** An exporter without server, scope labels on, target_info off (to keep expectations short). */
  static PrometheusExporter collectorOnly() {
    return PrometheusExporter.builder()
        .setServerEnabled(false)
        .setTargetInfoEnabled(false)
        .build();
  }

  Meter meter(String scope) {
    return meterProvider.meterBuilder(scope).setInstrumentationVersion("1.0").build();
  }

  /** Runs {@code action} inside a new sampled span and returns that span. */
  Span inSpan(Runnable action) {
    Tracer tracer = tracerProvider.get("test");
    Span span = tracer.spanBuilder("op").startSpan();
    Scope scope = span.makeCurrent();
    try {
      action.run();
    } finally {
      scope.close();
      span.end();
    }
    return span;
  }

  String text004() {
    return write(TextFormat.CONTENT_TYPE_004, exporter.collect());
  }

  String openMetrics() {
    return write(TextFormat.CONTENT_TYPE_OPENMETRICS_100, exporter.collect());
  }

  static String write(String contentType, List<MetricFamilySamples> families) {
    StringWriter out = new StringWriter();
    try {
      TextFormat.writeFormat(contentType, out, Collections.enumeration(families));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  @Override
  public void close() {
    meterProvider.close();
    tracerProvider.close();
  }
}
