package dev.perftrace.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perftrace.report.internal.ReportData;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.testing.PrometheusServer;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus scrapes a JDK HTTP server whose exposition has known histogram buckets; the
 * report's percentiles, from a scrape and from Prometheus, must equal Prometheus' own {@code
 * histogram_quantile}.
 *
 * <p>The n-th request is served every count multiplied by n, so the counters grow (Prometheus'
 * {@code rate} is not zero) while every bucket keeps the same share: the quantiles of the raw
 * buckets and of their rates are the same numbers.
 */
class ReportPrometheusIT {

  private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
  /** Cumulative counts per bound (then +Inf), per operation and outcome, for one request. */
  private static final long[] GET_SUCCESS = {10, 25, 40, 52, 60, 66, 70, 71, 71, 72};
  private static final long[] GET_ERROR = {0, 0, 0, 1, 2, 4, 6, 7, 8, 8};
  private static final long[] PUT_SUCCESS = {0, 0, 0, 0, 3, 9, 11, 15, 20, 20};
  /** Every observation above the highest finite bound: the quantiles are that bound. */
  private static final long[] OVER_SUCCESS = {0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
  /** No observation at all: no quantile (NaN). */
  private static final long[] IDLE_SUCCESS = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  private static final String[] OPERATIONS = {"store.get", "store.put", "store.over", "store.idle"};

  private static ExpositionServer target;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() {
    target = ExpositionServer.serving(ReportPrometheusIT::exposition);
    prometheus = PrometheusServer.builder().addTarget("127.0.0.1:" + target.port()).start();
    prometheus.awaitTargetsUp(Duration.ofSeconds(30));
    // rate() needs two samples inside the window
    prometheus.awaitValue(
        "histogram_quantile(0.5, sum by (le, perftrace_operation_name) "
            + "(rate(perftrace_operation_duration_seconds_bucket{perftrace_operation_name=\"store.put\"}[30s]))) > 0",
        Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (target != null) {
      target.close();
    }
  }

  private static String exposition(int n) {
    StringBuilder out = new StringBuilder();
    out.append("# HELP perftrace_operation_duration_seconds Operation duration.\n");
    out.append("# TYPE perftrace_operation_duration_seconds histogram\n");
    series(out, "store.get", "success", "", "scope.a", GET_SUCCESS, 1.9, n);
    series(out, "store.get", "error", "java.io.IOException", "scope.b", GET_ERROR, 1.2, n);
    series(out, "store.put", "success", "", "scope.a", PUT_SUCCESS, 9.5, n);
    series(out, "store.over", "success", "", "scope.a", OVER_SUCCESS, 20, n);
    series(out, "store.idle", "success", "", "scope.a", IDLE_SUCCESS, 0, n);
    out.append("# TYPE perftrace_cache_requests_total counter\n");
    cache(out, "hit", 7L * n);
    cache(out, "miss", 3L * n);
    return out.toString();
  }

  private static void series(
      StringBuilder out,
      String name,
      String outcome,
      String errorType,
      String scope,
      long[] counts,
      double sum,
      int n) {
    String labels =
        (errorType.isEmpty() ? "" : "error_type=\"" + errorType + "\",")
            + "otel_scope_name=\""
            + scope
            + "\",perftrace_operation_name=\""
            + name
            + "\",perftrace_operation_outcome=\""
            + outcome
            + "\"";
    for (int i = 0; i <= BOUNDS.length; i++) {
      String le = i == BOUNDS.length ? "+Inf" : Double.toString(BOUNDS[i]);
      out.append("perftrace_operation_duration_seconds_bucket{")
          .append(labels)
          .append(",le=\"")
          .append(le)
          .append("\"} ")
          .append(counts[i] * n)
          .append('\n');
    }
    out.append("perftrace_operation_duration_seconds_sum{").append(labels).append("} ")
        .append(String.format(Locale.ROOT, "%.6f", sum * n)).append('\n');
    out.append("perftrace_operation_duration_seconds_count{").append(labels).append("} ")
        .append(counts[BOUNDS.length] * n).append('\n');
  }

  private static void cache(StringBuilder out, String result, long value) {
    out.append("perftrace_cache_requests_total{perftrace_cache_name=\"content\",")
        .append("perftrace_cache_result=\"")
        .append(result)
        .append("\",perftrace_cache_tier=\"memory\"} ")
        .append(value)
        .append('\n');
  }

  private static double prometheusQuantile(double q, String operation) {
    return prometheus.awaitValue(
        "histogram_quantile("
            + q
            + ", sum by (le, perftrace_operation_name) "
            + "(perftrace_operation_duration_seconds_bucket{perftrace_operation_name=\""
            + operation
            + "\"}))",
        Duration.ofSeconds(10));
  }

  /** Equal within 1e-9, or both NaN (no quantile). */
  private static void assertSame(String what, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
    } else {
      assertThat(actual).as(what).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void fromScrape_edgeCases_matchPrometheus() {
    ReportData data = Report.fromScrape(target.metrics()).data();
    assertThat(operation(data, "store.over").p50Seconds()).isEqualTo(2.5);
    assertThat(prometheusQuantile(0.5, "store.over")).isEqualTo(2.5);
    assertThat(operation(data, "store.idle").p50Seconds()).isNaN();
    assertThat(prometheusQuantile(0.5, "store.idle")).isNaN();
  }

  private static OperationStats operation(ReportData data, String name) {
    return data.operations().stream()
        .filter(o -> o.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no operation " + name + " in " + data));
  }

  @Test
  void fromScrape_percentiles_equalPrometheusHistogramQuantile() {
    ReportData data = Report.fromScrape(target.metrics()).data();
    for (String name : OPERATIONS) {
      OperationStats op = operation(data, name);
      assertSame(name + " p50", op.p50Seconds(), prometheusQuantile(0.5, name));
      assertSame(name + " p95", op.p95Seconds(), prometheusQuantile(0.95, name));
      assertSame(name + " p99", op.p99Seconds(), prometheusQuantile(0.99, name));
    }
  }

  @Test
  void fromScrape_percentiles_equalHandComputedValues() {
    OperationStats get = operation(Report.fromScrape(target.metrics()).data(), "store.get");
    // merged store.get buckets: 0.005:10 0.01:25 0.025:40 0.05:53 0.1:62 0.25:70 0.5:76 1:78
    // 2.5:79 +Inf:80 (times n). p50: rank 40 reaches 0.025 exactly -> 0.025.
    // p95: rank 76 reaches 0.5 exactly -> 0.5. p99: rank 79.2 is in +Inf -> 2.5.
    assertThat(get.p50Seconds()).isCloseTo(0.025, within(1e-12));
    assertThat(get.p95Seconds()).isCloseTo(0.5, within(1e-12));
    assertThat(get.p99Seconds()).isEqualTo(2.5);
  }

  @Test
  void fromScrape_percentilesInsideBuckets_equalHandComputedValues() {
    OperationStats put = operation(Report.fromScrape(target.metrics()).data(), "store.put");
    // store.put: 0.1:3 0.25:9 0.5:11 1:15 2.5:20 +Inf:20 (times n)
    // p50: rank 10 in (0.25, 0.5] holding 2: 0.25 + 0.25 * 1/2 = 0.375
    // p95: rank 19 in (1, 2.5] holding 5: 1 + 1.5 * 4/5 = 2.2; p99: rank 19.8: 1 + 1.5 * 4.8/5
    assertThat(put.p50Seconds()).isCloseTo(0.375, within(1e-12));
    assertThat(put.p95Seconds()).isCloseTo(2.2, within(1e-12));
    assertThat(put.p99Seconds()).isCloseTo(2.44, within(1e-12));
  }

  @Test
  void fromPrometheus_percentiles_equalTheScrapeReport() {
    ReportData scraped = Report.fromScrape(target.metrics()).data();
    ReportData queried = Report.fromPrometheus(prometheus.uri(), Duration.ofSeconds(30)).data();
    for (String name : OPERATIONS) {
      OperationStats s = operation(scraped, name);
      OperationStats p = operation(queried, name);
      assertSame(name + " p50", p.p50Seconds(), s.p50Seconds());
      assertSame(name + " p95", p.p95Seconds(), s.p95Seconds());
      assertSame(name + " p99", p.p99Seconds(), s.p99Seconds());
    }
  }

  @Test
  void fromPrometheus_ratios_equalTheScrapeReport() {
    ReportData scraped = Report.fromScrape(target.metrics()).data();
    ReportData queried = Report.fromPrometheus(prometheus.uri(), Duration.ofSeconds(30)).data();
    OperationStats s = operation(scraped, "store.get");
    OperationStats p = operation(queried, "store.get");
    assertThat(p.errorRatio()).isCloseTo(0.1, within(1e-9));
    assertThat(s.errorRatio()).isEqualTo(0.1);
    assertThat(p.meanSeconds()).isCloseTo(s.meanSeconds(), within(1e-9));
    assertThat(queried.cacheTiers().get(0).hitRatio()).isCloseTo(0.7, within(1e-9));
    assertThat(queried.source().ratesAvailable()).isTrue();
    assertThat(p.rate()).isGreaterThan(0.0);
  }

  @Test
  void command_prometheusSource_printsTheSamePercentilesAsJson() throws Exception {
    ReportCommandTest.Run run =
        ReportCommandTest.run(
            "--prometheus", prometheus.uri().toString(), "--window", "30s", "--format", "json");
    assertThat(run.code()).as(run.err()).isEqualTo(0);
    com.fasterxml.jackson.databind.JsonNode put =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(run.out())
            .path("operations")
            .get(3);
    assertThat(put.path("name").asText()).isEqualTo("store.put");
    assertThat(put.path("p95_seconds").asDouble())
        .isCloseTo(prometheusQuantile(0.95, "store.put"), within(1e-9));
  }
}
