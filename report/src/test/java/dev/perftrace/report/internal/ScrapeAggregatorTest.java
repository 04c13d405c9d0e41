package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perftrace.report.internal.ReportData.CacheLookupStats;
import dev.perftrace.report.internal.ReportData.CacheTierStats;
import dev.perftrace.report.internal.ReportData.OperationStats;
import dev.perftrace.report.internal.ReportData.TransferStats;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapeAggregatorTest {

  private static final long SECOND = 1_000_000_000L;

  private static ScrapeAggregator.Result aggregate(String text) {
    return ScrapeAggregator.aggregate(
        ExpositionParser.parse(text, false), "exposition", "(text)", null, 0L);
  }

  private static String op(String name, String outcome, String scope, double count, double sum) {
    String labels =
        "otel_scope_name=\""
            + scope
            + "\",perftrace_operation_name=\""
            + name
            + "\",perftrace_operation_outcome=\""
            + outcome
            + "\"";
    return "perftrace_operation_duration_seconds_count{" + labels + "} " + count + "\n"
        + "perftrace_operation_duration_seconds_sum{" + labels + "} " + sum + "\n";
  }

  private static String bytes(String direction, String source, String scope, double value) {
    return "perftrace_transfer_io_bytes_total{network_io_direction=\""
        + direction
        + "\",otel_scope_name=\""
        + scope
        + "\",perftrace_transfer_source=\""
        + source
        + "\"} "
        + value
        + "\n";
  }

  @Test
  void aggregate_errorRatio_isErrorOutcomeOverAllOutcomes() {
    String text =
        op("get", "success", "a", 90, 1) + op("get", "error", "a", 6, 1)
            + op("get", "cancelled", "b", 4, 1);
    OperationStats get = aggregate(text).data().operations().get(0);
    assertThat(get.count()).isEqualTo(100.0);
    assertThat(get.errors()).isEqualTo(6.0);
    assertThat(get.errorRatio()).isEqualTo(0.06);
  }

  @Test
  void aggregate_mean_isSumOverCountAcrossScopesAndOutcomes() {
    String text = op("get", "success", "a", 3, 1.5) + op("get", "error", "b", 1, 2.5);
    assertThat(aggregate(text).data().operations().get(0).meanSeconds()).isEqualTo(1.0);
  }

  @Test
  void aggregate_bucketsAcrossScopesAndOutcomes_areSummedBeforeTheQuantile() {
    String text =
        "perftrace_operation_duration_seconds_bucket{otel_scope_name=\"a\",perftrace_operation_name=\"get\",le=\"1\"} 3\n"
            + "perftrace_operation_duration_seconds_bucket{otel_scope_name=\"a\",perftrace_operation_name=\"get\",le=\"+Inf\"} 4\n"
            + "perftrace_operation_duration_seconds_bucket{otel_scope_name=\"b\",perftrace_operation_name=\"get\",le=\"1.0\"} 1\n"
            + "perftrace_operation_duration_seconds_bucket{otel_scope_name=\"b\",perftrace_operation_name=\"get\",le=\"+Inf\"} 4\n"
            + op("get", "success", "a", 8, 8);
    // merged 1:4, +Inf:8 ("1" and "1.0" are one bound): p50 rank 4 -> 1.0 (scope a alone: 0.667)
    assertThat(aggregate(text).data().operations().get(0).p50Seconds()).isEqualTo(1.0);
  }

  @Test
  void aggregate_operationWithoutObservations_hasUndefinedFigures() {
    OperationStats idle = aggregate(op("idle", "success", "a", 0, 0)).data().operations().get(0);
    assertThat(idle.count()).isEqualTo(0.0);
    assertThat(idle.meanSeconds()).isNaN();
    assertThat(idle.errorRatio()).isNaN();
    assertThat(idle.p50Seconds()).isNaN();
  }

  @Test
  void aggregate_bytes_areSummedByDirectionAndSourceAcrossScopes() {
    String text =
        bytes("receive", "peer-a", "a", 100) + bytes("receive", "peer-a", "b", 23)
            + bytes("transmit", "peer-a", "a", 7) + bytes("receive", "peer-b", "a", 1);
    assertThat(aggregate(text).data().transfers())
        .containsExactly(
            new TransferStats("receive", "peer-a", 123, Double.NaN),
            new TransferStats("receive", "peer-b", 1, Double.NaN),
            new TransferStats("transmit", "peer-a", 7, Double.NaN));
  }

  @Test
  void aggregate_cacheRequests_giveHitRatioPerCacheAndTier() {
    String text =
        "perftrace_cache_requests_total{perftrace_cache_name=\"c\",perftrace_cache_tier=\"mem\",perftrace_cache_result=\"hit\",otel_scope_name=\"a\"} 3\n"
            + "perftrace_cache_requests_total{perftrace_cache_name=\"c\",perftrace_cache_tier=\"mem\",perftrace_cache_result=\"hit\",otel_scope_name=\"b\"} 1\n"
            + "perftrace_cache_requests_total{perftrace_cache_name=\"c\",perftrace_cache_tier=\"mem\",perftrace_cache_result=\"miss\"} 1\n"
            + "perftrace_cache_requests_total{perftrace_cache_name=\"c\",perftrace_cache_tier=\"disk\",perftrace_cache_result=\"miss\"} 2\n";
    assertThat(aggregate(text).data().cacheTiers())
        .containsExactly(
            new CacheTierStats("c", "disk", 0, 2, 0.0), new CacheTierStats("c", "mem", 4, 1, 0.8));
  }

  @Test
  void aggregate_cacheLookups_giveHitRatioFromServedBy() {
    String text =
        "perftrace_cache_lookups_total{perftrace_cache_name=\"c\",perftrace_cache_served_by=\"mem\"} 6\n"
            + "perftrace_cache_lookups_total{perftrace_cache_name=\"c\",perftrace_cache_served_by=\"disk\"} 3\n"
            + "perftrace_cache_lookups_total{perftrace_cache_name=\"c\",perftrace_cache_served_by=\"none\"} 1\n";
    assertThat(aggregate(text).data().cacheLookups())
        .containsExactly(
            new CacheLookupStats("c", 10, Map.of("mem", 6.0, "disk", 3.0, "none", 1.0), 0.9));
  }

  @Test
  void aggregate_heap_isSummedUsedOverSummedLimitOfHeapPools() {
    String text =
        "jvm_memory_used_bytes{jvm_memory_type=\"heap\",jvm_memory_pool_name=\"a\"} 30\n"
            + "jvm_memory_used_bytes{jvm_memory_type=\"heap\",jvm_memory_pool_name=\"b\"} 60\n"
            + "jvm_memory_used_bytes{jvm_memory_type=\"non_heap\",jvm_memory_pool_name=\"c\"} 500\n"
            + "jvm_memory_limit_bytes{jvm_memory_type=\"heap\",jvm_memory_pool_name=\"a\"} 100\n"
            + "jvm_memory_limit_bytes{jvm_memory_type=\"heap\",jvm_memory_pool_name=\"b\"} 100\n"
            + "jvm_memory_limit_bytes{jvm_memory_type=\"non_heap\",jvm_memory_pool_name=\"c\"} 1000\n";
    assertThat(aggregate(text).data().heapUtilization()).isEqualTo(0.45);
  }

  @Test
  void aggregate_withoutRuntimeSeries_leavesCpuAndHeapUndefined() {
    ReportData data = aggregate(op("get", "success", "a", 1, 1)).data();
    assertThat(data.cpuUtilization()).isNaN();
    assertThat(data.heapUtilization()).isNaN();
  }

  @Test
  void aggregate_singleScrape_hasNoRates() {
    ReportData data = aggregate(op("get", "success", "a", 5, 1)).data();
    assertThat(data.operations().get(0).rate()).isNaN();
    assertThat(data.source().basis())
        .isEqualTo("cumulative since process start; rates n/a (single scrape)");
  }

  @Test
  void aggregate_twoScrapes_rateIsIncreaseOverElapsedTime() {
    ScrapeAggregator.Snapshot first =
        ScrapeAggregator.aggregate(
                ExpositionParser.parse(op("get", "success", "a", 10, 1), false),
                "scrape", "u", null, 5 * SECOND)
            .snapshot();
    ReportData second =
        ScrapeAggregator.aggregate(
                ExpositionParser.parse(op("get", "success", "a", 40, 1), false),
                "scrape", "u", first, 20 * SECOND)
            .data();
    assertThat(second.operations().get(0).rate()).isEqualTo(2.0);
    assertThat(second.source().basis())
        .isEqualTo("cumulative since process start; rates over the last 15 s (two scrapes)");
  }

  @Test
  void aggregate_counterReset_countsTheWholeCurrentValue() {
    ScrapeAggregator.Snapshot first =
        ScrapeAggregator.aggregate(
                ExpositionParser.parse(bytes("receive", "p", "a", 1000), false),
                "scrape", "u", null, 0L)
            .snapshot();
    TransferStats after =
        ScrapeAggregator.aggregate(
                ExpositionParser.parse(bytes("receive", "p", "a", 300), false),
                "scrape", "u", first, 10 * SECOND)
            .data()
            .transfers()
            .get(0);
    assertThat(after.bytesPerSecond()).isEqualTo(30.0);
  }

  @Test
  void aggregate_seriesNewSincePreviousScrape_countsFromZero() {
    ScrapeAggregator.Snapshot first =
        ScrapeAggregator.aggregate(ExpositionParser.parse("", false), "scrape", "u", null, 0L)
            .snapshot();
    OperationStats get =
        ScrapeAggregator.aggregate(
                ExpositionParser.parse(op("get", "success", "a", 8, 1), false),
                "scrape", "u", first, 4 * SECOND)
            .data()
            .operations()
            .get(0);
    assertThat(get.rate()).isCloseTo(2.0, within(1e-12));
  }
}
