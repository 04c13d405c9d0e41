package dev.perftrace.benchmarks;

import java.util.List;

/**
 * An in-run target: a bound on one benchmark's result, alone or relative to a reference
 * benchmark measured in the same run with the same threads and parameters.
 *
 * @param description what the target says, for the report
 * @param kind how {@code limit} applies
 * @param benchmark the measured benchmark, {@code Class.method} in this module's package
 * @param reference the reference benchmark, or {@code null} for {@link Kind#ZERO_ALLOC}
 * @param limit the bound (a ratio, or nanoseconds for {@link Kind#TIME_ABOVE_NS})
 */
record Target(String description, Kind kind, String benchmark, String reference, double limit) {

  /** How a target's limit applies. */
  enum Kind {
    /** benchmark time / reference time must be at most {@code limit}. */
    TIME_RATIO,
    /** benchmark B/op must be at most reference B/op * {@code limit} (+ the allocation slack). */
    ALLOC_RATIO,
    /** benchmark B/op must be zero (within the allocation slack). */
    ZERO_ALLOC,
    /** benchmark time - reference time must be at most {@code limit} nanoseconds. */
    TIME_ABOVE_NS,
    /** benchmark B/op - reference B/op must be at most {@code limit} bytes (+ the slack). */
    ALLOC_ABOVE_BYTES
  }

  /** Nanoseconds a no-op call may cost over an empty method ("within a few ns"). */
  static final double NOOP_NANOS = 5;

  /** The targets of the benchmark issue, with issue 9's: against raw OpenTelemetry, same run. */
  static List<Target> defaults() {
    String op = "OperationBenchmark.";
    String unsampled = "UnsampledOperationBenchmark.";
    String rec = "RecordBenchmark.";
    String noop = "NoopBenchmark.";
    String scrape = "ScrapeBenchmark.";
    return List.of(
        new Target(
            "tracked operation time <= 1.0x raw OpenTelemetry",
            Kind.TIME_RATIO,
            op + "perfTrace",
            op + "rawOpenTelemetry",
            1.0),
        new Target(
            "tracked operation B/op <= raw OpenTelemetry + 40 B",
            Kind.ALLOC_ABOVE_BYTES,
            op + "perfTrace",
            op + "rawOpenTelemetry",
            40),
        new Target(
            "unsampled operation time <= 1.1x raw OpenTelemetry unsampled",
            Kind.TIME_RATIO,
            unsampled + "perfTrace",
            unsampled + "rawOpenTelemetry",
            1.1),
        new Target(
            "bandwidth record time <= 1.0x raw counter add + size histogram",
            Kind.TIME_RATIO,
            rec + "perfTraceRecordBytes",
            rec + "rawCounterAddAndSizeHistogram",
            1.0),
        new Target("bandwidth record 0 B/op", Kind.ZERO_ALLOC, rec + "perfTraceRecordBytes", null, 0),
        new Target(
            "cache hit time <= 1.0x raw counter add",
            Kind.TIME_RATIO,
            rec + "perfTraceCacheHit",
            rec + "rawCounterAdd",
            1.0),
        new Target("cache hit 0 B/op", Kind.ZERO_ALLOC, rec + "perfTraceCacheHit", null, 0),
        new Target("no-op operation 0 B/op", Kind.ZERO_ALLOC, noop + "noopOperation", null, 0),
        new Target("no-op bytes record 0 B/op", Kind.ZERO_ALLOC, noop + "noopRecordBytes", null, 0),
        new Target("no-op cache hit 0 B/op", Kind.ZERO_ALLOC, noop + "noopCacheHit", null, 0),
        new Target("no-op correlate 0 B/op", Kind.ZERO_ALLOC, noop + "noopCorrelate", null, 0),
        new Target(
            "no-op operation within 5 ns of an empty method",
            Kind.TIME_ABOVE_NS,
            noop + "noopOperation",
            noop + "emptyMethod",
            NOOP_NANOS),
        new Target(
            "no-op bytes record within 5 ns of an empty method",
            Kind.TIME_ABOVE_NS,
            noop + "noopRecordBytes",
            noop + "emptyMethod",
            NOOP_NANOS),
        new Target(
            "no-op cache hit within 5 ns of an empty method",
            Kind.TIME_ABOVE_NS,
            noop + "noopCacheHit",
            noop + "emptyMethod",
            NOOP_NANOS),
        new Target(
            "scrape time <= 1.0x OpenTelemetry's Prometheus exporter",
            Kind.TIME_RATIO,
            scrape + "perfTraceExporter",
            scrape + "openTelemetryExporter",
            1.0));
  }
}
