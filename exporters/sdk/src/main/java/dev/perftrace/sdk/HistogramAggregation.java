package dev.perftrace.sdk;

import io.opentelemetry.sdk.metrics.Aggregation;

/**
 * How {@link PerfTraceSdk} aggregates histograms that no view configures (PerfTrace's operation
 * durations, cache-tier latencies and transfer sizes among them), for every metric reader: OTLP,
 * the OTLP-JSON lines file and Prometheus. An SDK choice: {@code PerfTracer} only records.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 *
 * <ul>
 *   <li>{@link #explicitBucket()} (the default): explicit buckets, with the boundaries PerfTrace
 *       advises per instrument (durations from 1 µs to 60 s, cache tiers from 100 ns).
 *   <li>{@link #base2Exponential()}: base-2 exponential histograms with at most {@value
 *       #DEFAULT_MAX_BUCKETS} buckets per sign (OpenTelemetry's default is 160; see {@link
 *       #DEFAULT_MAX_BUCKETS} for why PerfTrace doubles it) and a starting scale of at most
 *       {@value #DEFAULT_MAX_SCALE} (the SDK lowers the scale per series until its values fit).
 *       Over OTLP they reach the Collector unchanged; Prometheus gets them as native histograms
 *       when it scrapes the protobuf exposition ({@code --enable-feature=native-histograms});
 *       text and OpenMetrics scrapes leave them out (the PerfTrace Prometheus exporter logs it
 *       once).
 * </ul>
 *
 * <p>The standard {@code OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION} ({@code
 * otel.exporter.otlp.metrics.default.histogram.aggregation}), when set, wins over the builder's
 * choice, as every {@code OTEL_*} setting does, and then applies to every reader too.
 */
public final class HistogramAggregation {

  /**
   * PerfTrace's default maximum number of buckets per sign of an exponential histogram: 320, twice
   * OpenTelemetry's 160. With 160 one series spanning 1 µs to 10 s settles at scale 2 (buckets 19 %
   * wide) and Prometheus' {@code histogram_quantile} over the native histogram is 9 % high at
   * p99.9; with 320 it is scale 3 and within 5 % (docs/telemetry.md, "Percentile accuracy"). Cost:
   * up to 320 counters per sign and series, allocated only as the range a series covers needs.
   */
  public static final int DEFAULT_MAX_BUCKETS = 320;

  /** OpenTelemetry's default (and highest) starting scale of an exponential histogram. */
  public static final int DEFAULT_MAX_SCALE = 20;

  private static final HistogramAggregation EXPLICIT = new HistogramAggregation(false, 0, 0);
  private static final HistogramAggregation EXPONENTIAL =
      new HistogramAggregation(true, DEFAULT_MAX_BUCKETS, DEFAULT_MAX_SCALE);

  private final boolean exponential;
  private final int maxBuckets;
  private final int maxScale;

  private HistogramAggregation(boolean exponential, int maxBuckets, int maxScale) {
    this.exponential = exponential;
    this.maxBuckets = maxBuckets;
    this.maxScale = maxScale;
  }

  /** Explicit-bucket histograms with PerfTrace's advised boundaries (the default). */
  public static HistogramAggregation explicitBucket() {
    return EXPLICIT;
  }

  /**
   * Base-2 exponential histograms with at most {@value #DEFAULT_MAX_BUCKETS} buckets and scale
   * {@value #DEFAULT_MAX_SCALE}; in {@link PerfTraceSdk} the standard {@code
   * base2_exponential_bucket_histogram} setting selects this too.
   */
  public static HistogramAggregation base2Exponential() {
    return EXPONENTIAL;
  }

  /**
   * Base-2 exponential histograms with at most {@code maxBuckets} buckets per sign and a starting
   * scale of at most {@code maxScale}.
   *
   * @throws IllegalArgumentException if {@code maxBuckets} is below 2 or {@code maxScale} is not in
   *     -10..20 (OpenTelemetry's limits)
   */
  public static HistogramAggregation base2Exponential(int maxBuckets, int maxScale) {
    if (maxBuckets < 2) {
      throw new IllegalArgumentException("maxBuckets must be at least 2: " + maxBuckets);
    }
    if (maxScale < -10 || maxScale > 20) {
      throw new IllegalArgumentException("maxScale must be in -10..20: " + maxScale);
    }
    return new HistogramAggregation(true, maxBuckets, maxScale);
  }

  /** Returns whether histograms are base-2 exponential. */
  public boolean isExponential() {
    return exponential;
  }

  /** Returns the maximum number of buckets per sign (exponential only; 0 for explicit). */
  public int maxBuckets() {
    return maxBuckets;
  }

  /** Returns the maximum scale (exponential only; 0 for explicit). */
  public int maxScale() {
    return maxScale;
  }

  /** Returns the OpenTelemetry aggregation. */
  @SuppressWarnings("deprecation") // the (maxBuckets, maxScale) spelling is the one 1.59 has
  Aggregation toAggregation() {
    return exponential
        ? Aggregation.base2ExponentialBucketHistogram(maxBuckets, maxScale)
        : Aggregation.defaultAggregation();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HistogramAggregation
        && ((HistogramAggregation) o).exponential == exponential
        && ((HistogramAggregation) o).maxBuckets == maxBuckets
        && ((HistogramAggregation) o).maxScale == maxScale;
  }

  @Override
  public int hashCode() {
    return exponential ? 31 * maxBuckets + maxScale + 1 : 0;
  }

  @Override
  public String toString() {
    return exponential
        ? "base2Exponential(maxBuckets=" + maxBuckets + ", maxScale=" + maxScale + ")"
        : "explicitBucket";
  }
}
