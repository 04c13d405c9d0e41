package dev.perftrace.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;

/**
 * The OpenTelemetry tracer and instruments of one PerfTrace tracer, named as in {@code
 * docs/telemetry.md}. Internal: not API.
 *
 * <p>Thread safety: immutable; the instruments are thread-safe.
 */
final class Instruments {
  final Tracer tracer;
  final DoubleHistogram operationDuration;
  final LongUpDownCounter operationActive;
  final LongCounter transferIo;
  final LongHistogram transferSize;
  final LongCounter cacheRequests;
  final LongCounter cacheLookups;
  final DoubleHistogram cacheTierDuration;
  final LongCounter rejected;

  Instruments(OpenTelemetry openTelemetry, TracerConfig config) {
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
    operationActive =
        meter
            .upDownCounterBuilder("perftrace.operation.active")
            .setDescription("PerfTrace operations in flight.")
            .setUnit("{operation}")
            .build();
    transferIo =
        meter
            .counterBuilder("perftrace.transfer.io")
            .setDescription("Bytes transferred, by direction and source.")
            .setUnit("By")
            .build();
    transferSize =
        meter
            .histogramBuilder("perftrace.transfer.size")
            .setDescription("Size of individual transfers.")
            .setUnit("By")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(config.sizeBuckets())
            .build();
    cacheRequests =
        meter
            .counterBuilder("perftrace.cache.requests")
            .setDescription("Cache tier requests, by cache, tier and result.")
            .setUnit("{request}")
            .build();
    cacheLookups =
        meter
            .counterBuilder("perftrace.cache.lookups")
            .setDescription("Cache lookups, by the tier that served them.")
            .setUnit("{lookup}")
            .build();
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
