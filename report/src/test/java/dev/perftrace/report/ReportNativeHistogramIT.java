package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.exporter.prometheus.PrometheusExporter;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.testing.KnownDistributions;
import dev.perftrace.testing.KnownDistributions.Sample;
import dev.perftrace.testing.PrometheusServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The report's percentiles from native histograms: known distributions recorded into base-2
 * exponential histograms (160 buckets) and exposed by the PerfTrace Prometheus exporter; the
 * report reads them from a protobuf scrape of the exporter and from a real Prometheus 2.42 with
 * native histograms (PromQL over the native series), each within 5 % of the exact quantiles.
 *
 * <p>Every sample set is recorded twice: once before Prometheus starts, once after its first
 * scrapes. The window's increase is then exactly one copy (and the bucket layout never changes),
 * so the exact quantiles of the set are the truth for both sources.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportNativeHistogramIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int SAMPLES = KnownDistributions.SAMPLES;
  private static final double[] QUANTILES = {0.5, 0.95, 0.99};
  private static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("perftrace.operation.name");
  private static final AttributeKey<String> OUTCOME =
      AttributeKey.stringKey("perftrace.operation.outcome");

  /** The native suite's samples in seconds, by name (one definition for every accuracy test). */
  private final Map<String, double[]> suite =
      KnownDistributions.nativeSuite().stream()
          .collect(Collectors.toMap(Sample::name, ReportNativeHistogramIT::seconds));
  private SdkMeterProvider meterProvider;
  private PrometheusExporter exporter;
  private PrometheusServer prometheus;

  @BeforeAll
  void recordTwice() {
    exporter = PrometheusExporter.builder().setPort(0).setExponentialHistograms(160, 20).build();
    meterProvider = SdkMeterProvider.builder().registerMetricReader(exporter).build();
    DoubleHistogram duration =
        meterProvider.get("report.native").histogramBuilder("perftrace.operation.duration")
            .setUnit("s").build();
    record(duration);
    prometheus =
        PrometheusServer.builder()
            .nativeHistograms(true)
            .addTarget("127.0.0.1:" + exporter.port())
            .start();
    prometheus.awaitTargetsUp(TIMEOUT);
    awaitCounts(SAMPLES);
    record(duration);
    awaitCounts(2 * SAMPLES);
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

  private void record(DoubleHistogram duration) {
    suite.forEach(
        (name, seconds) -> {
          // half of the set as successes, half as errors: percentiles span both outcomes
          Attributes success = Attributes.of(OPERATION, name, OUTCOME, "success");
          Attributes error = Attributes.of(OPERATION, name, OUTCOME, "error");
          for (int i = 0; i < seconds.length; i++) {
            duration.record(seconds[i], i % 2 == 0 ? success : error);
          }
        });
  }

  private void awaitCounts(int expected) {
    for (String name : suite.keySet()) {
      assertThat(
              prometheus.awaitValue(
                  "histogram_count(sum(perftrace_operation_duration_seconds{"
                      + "perftrace_operation_name=\"" + name + "\"})) == " + expected,
                  TIMEOUT))
          .isEqualTo((double) expected);
    }
  }

  @Test
  void fromScrape_protobufNativeHistograms_within5PercentOfExact() {
    Report report =
        Report.fromScrape(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"));

    Map<String, OperationStats> operations = byName(report);
    assertThat(operations.keySet()).isEqualTo(suite.keySet());
    suite.forEach(
        (name, seconds) -> {
          OperationStats stats = operations.get(name);
          assertThat(stats.count()).isEqualTo(2.0 * SAMPLES);
          assertThat(stats.errors()).isEqualTo((double) SAMPLES);
          assertWithin5Percent("scrape", name, seconds, stats);
        });
  }

  @Test
  void fromScrape_equalsPrometheusHistogramQuantileOnTheSameData() {
    Map<String, OperationStats> operations =
        byName(Report.fromScrape(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics")));
    for (String name : suite.keySet()) {
      double promql =
          prometheus
              .value("histogram_quantile(0.99, sum(perftrace_operation_duration_seconds{"
                  + "perftrace_operation_name=\"" + name + "\"}))")
              .orElseThrow();
      assertThat(operations.get(name).p99Seconds())
          .as(name)
          .isCloseTo(promql, org.assertj.core.data.Percentage.withPercentage(1e-6));
    }
  }

  @Test
  void fromPrometheus_nativeSeriesViaPromql_within5PercentOfExact() {
    Report report =
        Report.fromPrometheus(URI.create(prometheus.uri().toString()), Duration.ofMinutes(5));

    Map<String, OperationStats> operations = byName(report);
    assertThat(operations.keySet()).isEqualTo(suite.keySet());
    suite.forEach(
        (name, seconds) -> {
          OperationStats stats = operations.get(name);
          assertThat(stats.count()).isGreaterThan(0);
          assertThat(stats.errorRatio()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
          assertWithin5Percent("prometheus", name, seconds, stats);
        });
  }

  private static Map<String, OperationStats> byName(Report report) {
    return report.data().operations().stream()
        .collect(Collectors.toMap(OperationStats::name, Function.identity()));
  }

  private static void assertWithin5Percent(
      String source, String name, double[] seconds, OperationStats stats) {
    double[] estimates = {stats.p50Seconds(), stats.p95Seconds(), stats.p99Seconds()};
    for (int i = 0; i < QUANTILES.length; i++) {
      double exact = exact(seconds, QUANTILES[i]);
      double error = (estimates[i] - exact) / exact;
      System.out.printf(
          Locale.ROOT, "report %s %s p%s exact=%.9f report=%.9f error=%+.2f%%%n",
          source, name, QUANTILES[i] * 100, exact, estimates[i], error * 100);
      assertThat(Math.abs(error))
          .as("%s %s p%s: exact %s, report %s", source, name, QUANTILES[i] * 100, exact,
              estimates[i])
          .isLessThanOrEqualTo(0.05);
    }
  }

  private static double exact(double[] seconds, double q) {
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static double[] seconds(Sample sample) {
    double[] out = new double[sample.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = sample.seconds(i);
    }
    return out;
  }
}
