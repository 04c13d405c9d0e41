package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.PerfTracer;
import dev.perftrace.testing.KnownDistributions;
import dev.perftrace.testing.KnownDistributions.Sample;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.DefaultAggregationSelector;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Accuracy of the base-2 exponential option: the reader's default histogram aggregation is
 * {@code base2_exponential_bucket_histogram} with the SDK's default maximum of 160 buckets (what
 * {@code OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION} selects). Quantiles are computed
 * from the exported exponential points (linear interpolation inside the bucket holding the rank,
 * as Prometheus 2.42 does for native histograms, but clipped to the point's min and max) and
 * compared with the exact quantiles.
 */
// base2ExponentialBucketHistogram(int, int) is deprecated from 1.6x for an options class that
// 1.59 lacks; it is the one spelling both ends of the supported range have.
@SuppressWarnings("deprecation")
class ExponentialHistogramAccuracyTest {

  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("perftrace.operation.name");

  @Test
  void exponentialDefault160Buckets_p50ToP999Within5PercentFrom1MicrosecondTo10Seconds() {
    // The SDK default of base2_exponential_bucket_histogram, spelled out: 160 buckets, max scale 20.
    List<Sample> suite = new ArrayList<>(KnownDistributions.explicitSuite());
    suite.add(KnownDistributions.lognormal("lognormal_1us", 1e-6, 1.0, 21));
    suite.add(KnownDistributions.lognormal("lognormal_100ms", 0.1, 1.0, 22));
    suite.add(KnownDistributions.lognormal("lognormal_10s", 10.0, 1.0, 23));
    // one series spanning the whole range: the SDK must downscale to fit 160 buckets
    suite.add(KnownDistributions.logUniform("loguniform_1us_10s", 1e-6, 10.0, 24));
    InMemoryMetricReader reader =
        InMemoryMetricReader.builder()
            .setDefaultAggregationSelector(
                DefaultAggregationSelector.getDefault()
                    .with(InstrumentType.HISTOGRAM, Aggregation.base2ExponentialBucketHistogram(160, 20)))
            .build();
    try (SdkMeterProvider meterProvider =
        SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      PerfTracer tracer =
          PerfTracer.create(
              OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build(), "accuracy.exp");
      for (Sample sample : suite) {
        for (int i = 0; i < KnownDistributions.SAMPLES; i++) {
          tracer.recordDuration(sample.name(), sample.duration(i));
        }
      }

      Collection<ExponentialHistogramPointData> points = durationPoints(reader.collectAllMetrics());
      assertThat(points).hasSize(suite.size());
      for (Sample sample : suite) {
        ExponentialHistogramPointData point =
            points.stream()
                .filter(p -> sample.name().equals(p.getAttributes().get(OPERATION)))
                .findFirst()
                .orElseThrow();
        assertThat(point.getCount()).isEqualTo(KnownDistributions.SAMPLES);
        assertThat(point.getZeroCount()).isZero();
        assertThat(point.getPositiveBuckets().getTotalCount()).isEqualTo(KnownDistributions.SAMPLES);
        assertThat(point.getPositiveBuckets().getBucketCounts()).hasSizeLessThanOrEqualTo(160);
        for (double q : KnownDistributions.QUANTILES) {
          double exact = sample.exactSeconds(q);
          double estimate = quantile(point, q);
          double error = KnownDistributions.error(estimate, exact);
          System.out.printf(
              Locale.ROOT, "exponential %s scale=%d p%s exact=%.9f estimate=%.9f error=%+.2f%%%n",
              sample.name(), point.getScale(), q * 100, exact, estimate, error * 100);
          assertThat(Math.abs(error))
              .as("%s p%s: exact %s s, estimate %s s", sample.name(), q * 100, exact, estimate)
              .isLessThanOrEqualTo(0.05);
        }
      }
    }
  }

  @Test
  void quantile_interpolatesLinearlyInsideTheBucketHoldingTheRank() {
    // max scale 0: bucket i is (2^i, 2^(i+1)]; ten values in (1, 2] and ten in (2, 4]
    InMemoryMetricReader reader =
        InMemoryMetricReader.builder()
            .setDefaultAggregationSelector(
                DefaultAggregationSelector.getDefault()
                    .with(
                        InstrumentType.HISTOGRAM,
                        Aggregation.base2ExponentialBucketHistogram(160, 0)))
            .build();
    try (SdkMeterProvider meterProvider =
        SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      PerfTracer tracer =
          PerfTracer.create(
              OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build(), "accuracy.exp");
      for (int i = 0; i < 10; i++) {
        tracer.recordDuration("op", Duration.ofMillis(1500));
        tracer.recordDuration("op", Duration.ofSeconds(3));
      }
      Collection<ExponentialHistogramPointData> points = durationPoints(reader.collectAllMetrics());
      assertThat(points).hasSize(1);
      ExponentialHistogramPointData point = points.iterator().next();
      assertThat(point.getScale()).isZero();
      assertThat(point.getPositiveBuckets().getOffset()).isZero();
      assertThat(point.getPositiveBuckets().getBucketCounts()).containsExactly(10L, 10L);
      assertThat(point.getMin()).isEqualTo(1.5);
      assertThat(point.getMax()).isEqualTo(3.0);
      // ranks 5, 10, 15 of 20: halfway through (1.5, 2], end of it, halfway through (2, 3]
      assertThat(quantile(point, 0.25)).isEqualTo(1.75);
      assertThat(quantile(point, 0.5)).isEqualTo(2.0);
      assertThat(quantile(point, 0.75)).isEqualTo(2.5);
    }
  }

  /**
   * The q-quantile of a point with positive values only: linear interpolation inside the bucket
   * holding rank q·count, that bucket's range clipped to the point's min and max.
   */
  static double quantile(ExponentialHistogramPointData point, double q) {
    ExponentialHistogramBuckets buckets = point.getPositiveBuckets();
    double base = Math.pow(2, Math.pow(2, -point.getScale()));
    double rank = q * point.getCount() - point.getZeroCount();
    List<Long> counts = buckets.getBucketCounts();
    long seen = 0;
    for (int i = 0; i < counts.size(); i++) {
      long count = counts.get(i);
      if (count > 0 && seen + count >= rank) {
        int index = buckets.getOffset() + i;
        // the bucket's range clipped to the point's min and max (the SDK records both)
        double lower = Math.pow(base, index);
        double upper = Math.pow(base, index + 1);
        if (point.hasMin()) {
          lower = Math.max(lower, point.getMin());
        }
        if (point.hasMax()) {
          upper = Math.min(upper, point.getMax());
        }
        return lower + (upper - lower) * (rank - seen) / count;
      }
      seen += count;
    }
    throw new IllegalStateException("rank " + rank + " beyond " + seen);
  }

  private static Collection<ExponentialHistogramPointData> durationPoints(
      Collection<MetricData> metrics) {
    return metrics.stream()
        .filter(m -> m.getName().equals("perftrace.operation.duration"))
        .findFirst()
        .orElseThrow()
        .getExponentialHistogramData()
        .getPoints();
  }
}
