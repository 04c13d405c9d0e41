package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
import dev.perftrace.exporter.prometheus.PrometheusExporter;
import dev.perftrace.testing.KnownDistributions;
import dev.perftrace.testing.KnownDistributions.Sample;
import dev.perftrace.testing.PrometheusServer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Accuracy of the default explicit duration buckets end to end: known distributions recorded with
 * {@code recordDuration} through the OpenTelemetry SDK and the PerfTrace Prometheus exporter,
 * scraped by a real Prometheus, percentiles by {@code histogram_quantile}, compared with the exact
 * quantiles of the samples. The same samples under the previous layout (first bound 0.5 ms) are
 * recorded in a second scope to show that this suite fails with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistogramAccuracyIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** The layout before issue 11, kept here only as the counter-example. */
  private static final List<Double> OLD_BUCKETS =
      List.of(
          0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0,
          10.0);

  private final List<Sample> suite = KnownDistributions.explicitSuite();
  /** A memory tier: lognormal around 1 µs, σ = 1 (p99.9 about 22 µs). */
  private final Sample memoryTier = KnownDistributions.lognormal("memory", 1e-6, 1.0, 14);
  private SdkMeterProvider meterProvider;
  private PrometheusServer prometheus;

  @BeforeAll
  void recordAndScrape() {
    PrometheusExporter exporter = PrometheusExporter.builder().setPort(0).build();
    meterProvider = SdkMeterProvider.builder().registerMetricReader(exporter).build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setMeterProvider(meterProvider).build();
    PerfTracer defaults = PerfTracer.builder(sdk, "accuracy.defaults").build();
    PerfTracer old = PerfTracer.builder(sdk, "accuracy.old").setDurationBuckets(OLD_BUCKETS).build();
    for (Sample sample : suite) {
      for (int i = 0; i < KnownDistributions.SAMPLES; i++) {
        defaults.recordDuration(sample.name(), sample.duration(i));
        old.recordDuration(sample.name(), sample.duration(i));
      }
    }
    TieredCache cache = defaults.cache("content", "memory");
    for (int i = 0; i < KnownDistributions.SAMPLES; i++) {
      cache.recordTierLatency("memory", true, memoryTier.duration(i));
    }
    prometheus = PrometheusServer.builder().addTarget("127.0.0.1:" + exporter.port()).start();
    prometheus.awaitTargetsUp(TIMEOUT);
  }

  @AfterAll
  void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (meterProvider != null) {
      meterProvider.close();
    }
  }

  @Test
  void histogramQuantile_defaultBuckets_within25PercentOfExact() {
    for (Sample sample : suite) {
      awaitCount("accuracy.defaults", sample);
      for (double q : KnownDistributions.QUANTILES) {
        double exact = sample.exactSeconds(q);
        double estimate = quantile("accuracy.defaults", sample, q);
        double error = KnownDistributions.error(estimate, exact);
        System.out.printf(
            Locale.ROOT, "defaults %s p%s exact=%.9f promql=%.9f error=%+.1f%%%n",
            sample.name(), q * 100, exact, estimate, error * 100);
        assertThat(Math.abs(error))
            .as("%s p%s: exact %s s, histogram_quantile %s s", sample.name(), q * 100, exact,
                estimate)
            .isLessThanOrEqualTo(0.25);
      }
    }
  }

  @Test
  void histogramQuantile_oldBuckets_failTheSuite() {
    double worst = 0;
    for (Sample sample : suite) {
      awaitCount("accuracy.old", sample);
      for (double q : KnownDistributions.QUANTILES) {
        double exact = sample.exactSeconds(q);
        double estimate = quantile("accuracy.old", sample, q);
        double error = KnownDistributions.error(estimate, exact);
        System.out.printf(
            Locale.ROOT, "old %s p%s exact=%.9f promql=%.9f error=%+.1f%%%n",
            sample.name(), q * 100, exact, estimate, error * 100);
        worst = Math.max(worst, Math.abs(error));
      }
    }
    // the 0.5 ms first bound puts most of the 50 µs lognormal into one bucket from 0
    assertThat(worst).isGreaterThan(1.0);
  }

  @Test
  void histogramQuantile_cacheTierDefaultBuckets_within25PercentOfExactFrom1Microsecond() {
    String selector =
        "{otel_scope_name=\"accuracy.defaults\",perftrace_cache_name=\"content\","
            + "perftrace_cache_tier=\"memory\",perftrace_cache_result=\"hit\"}";
    assertThat(prometheus.awaitValue("perftrace_cache_tier_duration_seconds_count" + selector,
            TIMEOUT))
        .isEqualTo((double) KnownDistributions.SAMPLES);
    for (double q : KnownDistributions.QUANTILES) {
      double exact = memoryTier.exactSeconds(q);
      double estimate =
          prometheus
              .value("histogram_quantile(" + q + ", perftrace_cache_tier_duration_seconds_bucket"
                  + selector + ")")
              .orElseThrow();
      double error = KnownDistributions.error(estimate, exact);
      System.out.printf(
          Locale.ROOT, "cache-tier memory p%s exact=%.9f promql=%.9f error=%+.1f%%%n",
          q * 100, exact, estimate, error * 100);
      assertThat(Math.abs(error))
          .as("memory tier p%s: exact %s s, histogram_quantile %s s", q * 100, exact, estimate)
          .isLessThanOrEqualTo(0.25);
    }
  }

  private void awaitCount(String scope, Sample sample) {
    assertThat(
            prometheus.awaitValue(
                "perftrace_operation_duration_seconds_count" + selector(scope, sample), TIMEOUT))
        .isEqualTo((double) KnownDistributions.SAMPLES);
  }

  private double quantile(String scope, Sample sample, double q) {
    return prometheus
        .value(
            "histogram_quantile(" + q + ", perftrace_operation_duration_seconds_bucket"
                + selector(scope, sample) + ")")
        .orElseThrow();
  }

  private static String selector(String scope, Sample sample) {
    return "{otel_scope_name=\"" + scope + "\",perftrace_operation_name=\"" + sample.name()
        + "\",perftrace_operation_outcome=\"success\"}";
  }
}
