package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bounds per instrument and scope, shared by every tracer of the scope, with default settings:
 * each instrument's point count is exactly its documented worst case, and the SDK never folds.
 */
class ScopeCardinalityTest {
  private static final AttributeKey<Boolean> SDK_OVERFLOW =
      AttributeKey.booleanKey("otel.metric.overflow");
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  /** Point counts by metric name, asserting that no point is the SDK's overflow point. */
  private Map<String, Integer> pointCounts() {
    Map<String, Integer> counts = new HashMap<>();
    for (MetricData metric : telemetry.metrics()) {
      Collection<? extends PointData> points = metric.getData().getPoints();
      for (PointData point : points) {
        assertThat(point.getAttributes().get(SDK_OVERFLOW)).as(metric.getName()).isNull();
      }
      counts.merge(metric.getName(), points.size(), Integer::sum);
    }
    return counts;
  }

  private List<PerfTracer> tracers(int n) {
    List<PerfTracer> tracers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tracers.add(telemetry.tracer()); // all of scope "test.scope" on one SDK
    }
    return tracers;
  }

  @Test
  void operationNames_boundSharedByEveryTracerOfTheScope() {
    List<PerfTracer> tracers = tracers(10);
    for (int i = 0; i < 2000; i++) {
      tracers.get(i % 10).start("op-" + i).close();
    }

    Map<String, Integer> counts = pointCounts();
    // 1000 names + _overflow, each with outcome success
    assertThat(counts.get("perftrace.operation.duration")).isEqualTo(1001);
    assertThat(counts.get("perftrace.operation.active")).isEqualTo(1001);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(1000);
    assertThat(
            telemetry
                .histogram(
                    "perftrace.operation.duration",
                    Attributes.of(
                        PerfAttributes.OPERATION_NAME,
                        "_overflow",
                        PerfAttributes.OPERATION_OUTCOME,
                        "success"))
                .getCount())
        .isEqualTo(1000);
  }

  @Test
  void otherScopeOrVersion_hasItsOwnBound() {
    PerfTracer a = telemetry.builder().setMaxOperations(1).build();
    PerfTracer b = telemetry.builder().setMaxOperations(1).setInstrumentationVersion("2").build();
    a.start("x").close();
    b.start("y").close();

    assertThat(telemetry.rejected("cardinality_overflow")).isZero();
  }

  @Test
  void durationSeries_defaultBudget_exactly1900Points() {
    List<PerfTracer> tracers = tracers(4);
    // A: 1100 names, success: 1000 sets + 100 records folded by the name bound into _overflow
    for (int i = 0; i < 1100; i++) {
      tracers.get(i % 4).recordDuration("op-" + i, Duration.ofMillis(1));
    }
    // B: the 1000 names cancelled: 897 more sets fill the budget of 1897, 103 records fold
    for (int i = 0; i < 1000; i++) {
      tracers
          .get(i % 4)
          .recordDuration("op-" + i, Duration.ofMillis(1), new CancellationException());
    }
    // C: 150 error types on op-0: 50 beyond the error-type bound (_OTHER), all 150 fold
    for (int j = 0; j < 150; j++) {
      try (Operation op = tracers.get(j % 4).start("op-0")) {
        op.failWithType("Type" + j);
      }
    }

    Map<String, Integer> counts = pointCounts();
    // 1897 admitted + the 3 fold sets (_overflow with success, cancelled, error/_OTHER)
    assertThat(counts.get("perftrace.operation.duration")).isEqualTo(1900);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(100 + 103 + 50 + 150);
    assertThat(
            telemetry
                .histogram(
                    "perftrace.operation.duration",
                    Attributes.of(
                        PerfAttributes.OPERATION_NAME,
                        "_overflow",
                        PerfAttributes.OPERATION_OUTCOME,
                        "error",
                        PerfAttributes.ERROR_TYPE,
                        "_OTHER"))
                .getCount())
        .isEqualTo(150);
    assertThat(
            telemetry
                .histogram(
                    "perftrace.operation.duration",
                    Attributes.of(
                        PerfAttributes.OPERATION_NAME,
                        "_overflow",
                        PerfAttributes.OPERATION_OUTCOME,
                        "cancelled"))
                .getCount())
        .isEqualTo(103);
  }

  @Test
  void cacheInstruments_defaultBounds_exactlyTheProductOfTheBounds() {
    List<PerfTracer> tracers = tracers(3);
    for (int c = 0; c < 60; c++) {
      String[] tiers = new String[20];
      for (int t = 0; t < 20; t++) {
        tiers[t] = "tier-" + t; // 20 tier names: the last 4 beyond the bound of 16
      }
      TieredCache cache = tracers.get(c % 3).cache("cache-" + c, tiers);
      for (String tier : tiers) {
        cache.recordHit(tier);
        cache.recordMiss(tier);
        cache.recordTierLatency(tier, true, Duration.ofNanos(500));
        cache.recordTierLatency(tier, false, Duration.ofNanos(500));
        cache.recordLookup(tier);
      }
      cache.recordLookup(null);
    }

    Map<String, Integer> counts = pointCounts();
    // (50 caches + _overflow) x (16 tiers + _overflow) x (hit, miss)
    assertThat(counts.get("perftrace.cache.requests")).isEqualTo(51 * 17 * 2);
    assertThat(counts.get("perftrace.cache.tier.duration")).isEqualTo(51 * 17 * 2);
    // (50 caches + _overflow) x (16 tiers + _overflow + none)
    assertThat(counts.get("perftrace.cache.lookups")).isEqualTo(51 * 18);
    // 10 cache names beyond 50, and 4 tiers beyond the bound at each of the 60 declarations
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(10 + 60 * 4);
  }

  @Test
  void transferInstruments_defaultBounds_exactlyTheProductOfTheBounds() {
    List<PerfTracer> tracers = tracers(3);
    for (int s = 0; s < 150; s++) {
      tracers.get(s % 3).recordBytes(Direction.IN, "peer-" + s, 10);
      tracers.get(s % 3).recordBytes(Direction.OUT, "peer-" + s, 20);
    }

    Map<String, Integer> counts = pointCounts();
    assertThat(counts.get("perftrace.transfer.io")).isEqualTo(2 * 101);
    assertThat(counts.get("perftrace.transfer.size")).isEqualTo(2 * 101);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(2 * 50);
    assertThat(
            telemetry.sum(
                "perftrace.transfer.io",
                Attributes.of(
                    PerfAttributes.NETWORK_IO_DIRECTION,
                    "transmit",
                    PerfAttributes.TRANSFER_SOURCE,
                    "_overflow")))
        .isEqualTo(50 * 20);
  }

  @Test
  void build_boundsWhoseProductPassesTheSeriesBudget_throwNamingThem() {
    assertThatThrownBy(() -> telemetry.builder().setMaxOperations(5000).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxOperations")
        .hasMessageContaining("maxSeriesPerInstrument");
    assertThatThrownBy(() -> telemetry.builder().setMaxSources(1000).build())
        .hasMessageContaining("maxSources");
    assertThatThrownBy(() -> telemetry.builder().setMaxCacheTiers(40).build())
        .hasMessageContaining("maxCaches and maxCacheTiers");
    assertThatThrownBy(() -> telemetry.builder().setMaxSeriesPerInstrument(9))
        .hasMessageContaining("maxSeriesPerInstrument");
    // raising the budget makes room
    telemetry.builder().setMaxOperations(5000).setMaxSeriesPerInstrument(6000).build();
  }
}
