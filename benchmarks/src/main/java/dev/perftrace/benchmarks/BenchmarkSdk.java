package dev.perftrace.benchmarks;

import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one OpenTelemetry SDK setup every in-process benchmark runs on: an always-on sampler, a
 * {@link BatchSpanProcessor} (default queue and batch sizes) whose exporter discards, and a
 * {@link SdkMeterProvider} read by a {@link PeriodicMetricReader} whose exporter discards.
 * PerfTrace, the hand-written raw OpenTelemetry code and the Micrometer bridge all record into
 * the same instance, so they do exactly the same SDK work.
 *
 * <p>The discarding exporters remember which {@code scope/metric} pairs and how many spans they
 * saw, so a benchmark can refuse to run when a side records nothing (for example a placeholder
 * tracer).
 *
 * <p>Thread safety: safe for concurrent use; create in a trial-level setup, close in its teardown.
 */
final class BenchmarkSdk implements AutoCloseable {

  /** Metric export interval: long enough not to disturb one-second iterations often. */
  static final Duration METRIC_INTERVAL = Duration.ofSeconds(10);

  /**
   * The batch processor logs a warning for every export after its queue overflowed, which a
   * benchmark thread outrunning it does all the time; kept at SEVERE so the output stays
   * readable (a strong reference keeps the level from being garbage collected).
   */
  private static final Logger PROCESSOR_LOGGER =
      Logger.getLogger(BatchSpanProcessor.class.getName());

  static {
    PROCESSOR_LOGGER.setLevel(Level.SEVERE);
  }

  private final DiscardingSpanExporter spanExporter = new DiscardingSpanExporter();
  private final DiscardingMetricExporter metricExporter = new DiscardingMetricExporter();
  private final SdkTracerProvider tracerProvider;
  private final SdkMeterProvider meterProvider;
  private final OpenTelemetrySdk openTelemetry;

  private BenchmarkSdk(Sampler sampler) {
    Resource resource =
        Resource.getDefault()
            .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "bench")));
    tracerProvider =
        SdkTracerProvider.builder()
            .setResource(resource)
            .setSampler(sampler)
            .addSpanProcessor(BatchSpanProcessor.builder(spanExporter).build())
            .build();
    meterProvider =
        SdkMeterProvider.builder()
            .setResource(resource)
            .registerMetricReader(
                PeriodicMetricReader.builder(metricExporter).setInterval(METRIC_INTERVAL).build())
            .build();
    openTelemetry =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracerProvider)
            .setMeterProvider(meterProvider)
            .setPropagators(
                ContextPropagators.create(
                    TextMapPropagator.composite(
                        W3CTraceContextPropagator.getInstance(),
                        W3CBaggagePropagator.getInstance())))
            .build();
  }

  /** Loads this class, which turns the batch processor's overflow warnings down. */
  static void quietBatchProcessor() {
    // the static initializer did it
  }

  /** Builds the SDK described above. */
  static BenchmarkSdk create() {
    return new BenchmarkSdk(Sampler.alwaysOn());
  }

  /** As {@link #create()}, with another sampler (the unsampled comparison). */
  static BenchmarkSdk create(Sampler sampler) {
    return new BenchmarkSdk(sampler);
  }

  /** Returns the SDK, as an application would hand it to PerfTrace and to its own code. */
  OpenTelemetrySdk openTelemetry() {
    return openTelemetry;
  }

  /** Exports everything pending (spans and metrics) and waits up to ten seconds. */
  void flush() {
    tracerProvider.forceFlush().join(10, TimeUnit.SECONDS);
    meterProvider.forceFlush().join(10, TimeUnit.SECONDS);
  }

  /** Returns the number of spans the discarding exporter has been handed so far. */
  long exportedSpans() {
    return spanExporter.spans.sum();
  }

  /**
   * Flushes and throws {@link IllegalStateException} unless metric {@code metric} of
   * instrumentation scope {@code scope} has been exported: proof that a side really records.
   */
  void requireMetric(String scope, String metric) {
    flush();
    if (!metricExporter.seen.contains(scope + "/" + metric)) {
      throw new IllegalStateException(
          "no metric "
              + metric
              + " was recorded under scope "
              + scope
              + " (seen: "
              + metricExporter.seen
              + "); is the real implementation in place?");
    }
  }

  /** Flushes and throws {@link IllegalStateException} unless some span has been exported. */
  void requireSpans() {
    flush();
    if (exportedSpans() == 0) {
      throw new IllegalStateException("no span was exported; is the real implementation in place?");
    }
  }

  @Override
  public void close() {
    openTelemetry.close();
  }

  private static final class DiscardingSpanExporter implements SpanExporter {
    final LongAdder spans = new LongAdder();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.add(batch.size());
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static final class DiscardingMetricExporter implements MetricExporter {
    final Set<String> seen = ConcurrentHashMap.newKeySet();

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      for (MetricData metric : metrics) {
        if (!metric.isEmpty()) {
          seen.add(metric.getInstrumentationScopeInfo().getName() + "/" + metric.getName());
        }
      }
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
