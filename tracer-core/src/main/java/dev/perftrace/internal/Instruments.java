package dev.perftrace.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;

/**
 * The OpenTelemetry tracer and instruments of one PerfTrace scope, named as in {@code
 * docs/telemetry.md}. The histograms and the rejection counter are synchronous SDK instruments
 * (the duration histogram keeps exemplars); the in-flight, byte and cache counters are observable
 * instruments reading the scope's striped {@link Series} at collection, so recording them costs
 * a {@code LongAdder} add instead of an SDK call. Internal: not API.
 *
 * <p>Thread safety: immutable; the instruments are thread-safe.
 */
final class Instruments {
  final Tracer tracer;
  final DoubleHistogram operationDuration;
  final LongHistogram transferSize;
  final DoubleHistogram cacheTierDuration;
  final LongCounter rejected;

  Instruments(OpenTelemetry openTelemetry, TracerConfig config, ScopeTelemetry scope) {
    TracerBuilder tracerBuilder = openTelemetry.tracerBuilder(config.scopeName());
    MeterBuilder meterBuilder = openTelemetry.meterBuilder(config.scopeName());
    if (config.scopeVersion() != null) {
      tracerBuilder.setInstrumentationVersion(config.scopeVersion());
      meterBuilder.setInstrumentationVersion(config.scopeVersion());
    }
    tracer = tracerBuilder.build();
    Meter meter = meterBuilder.build();
    operationDuration =
        meter
            .histogramBuilder("perftrace.operation.duration")
            .setDescription("Duration of PerfTrace operations.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(config.durationBuckets())
            .build();
    meter
        .upDownCounterBuilder("perftrace.operation.active")
        .setDescription("PerfTrace operations in flight.")
        .setUnit("{operation}")
        .buildWithCallback(scope::observeActive);
    meter
        .counterBuilder("perftrace.transfer.io")
        .setDescription("Bytes transferred, by direction and source.")
        .setUnit("By")
        .buildWithCallback(scope::observeTransfers);
    transferSize =
        meter
            .histogramBuilder("perftrace.transfer.size")
            .setDescription("Size of individual transfers.")
            .setUnit("By")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(config.sizeBuckets())
            .build();
    meter
        .counterBuilder("perftrace.cache.requests")
        .setDescription("Cache tier requests, by cache, tier and result.")
        .setUnit("{request}")
        .buildWithCallback(scope::observeCacheRequests);
    meter
        .counterBuilder("perftrace.cache.lookups")
        .setDescription("Cache lookups, by the tier that served them.")
        .setUnit("{lookup}")
        .buildWithCallback(scope::observeCacheLookups);
    cacheTierDuration =
        meter
            .histogramBuilder("perftrace.cache.tier.duration")
            .setDescription("Latency of one cache tier's lookup.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(config.cacheTierBuckets())
            .build();
    rejected =
        meter
            .counterBuilder("perftrace.telemetry.rejected")
            .setDescription("Records PerfTrace dropped or sanitized, by reason.")
            .setUnit("{record}")
            .build();
  }
}
