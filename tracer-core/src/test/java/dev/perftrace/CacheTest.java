package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class CacheTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final TieredCache cache = tracer.cache("content", "memory", "disk", "remote");

  static Attributes request(String tier, String result) {
    return Attributes.of(
        PerfAttributes.CACHE_NAME,
        "content",
        PerfAttributes.CACHE_TIER,
        tier,
        PerfAttributes.CACHE_RESULT,
        result);
  }

  static Attributes servedBy(String tier) {
    return Attributes.of(
        PerfAttributes.CACHE_NAME, "content", PerfAttributes.CACHE_SERVED_BY, tier);
  }

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void cache_exposesNameAndTiersInOrder() {
    assertThat(cache.name()).isEqualTo("content");
    assertThat(cache.tiers()).containsExactly("memory", "disk", "remote");
  }

  @Test
  void recordHitAndMiss_countPerTierAndResult() {
    cache.recordHit("memory");
    cache.recordHit("memory");
    cache.recordMiss("memory");
    cache.recordMiss("disk");

    assertThat(telemetry.sum("perftrace.cache.requests", request("memory", "hit"))).isEqualTo(2);
    assertThat(telemetry.sum("perftrace.cache.requests", request("memory", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.requests", request("disk", "miss"))).isEqualTo(1);
    assertThat(telemetry.sumPoints("perftrace.cache.requests")).hasSize(3);
  }

  @Test
  void recordLookup_fallThroughCountsMissesOfTiersAbove() {
    cache.recordLookup("remote");

    assertThat(telemetry.sum("perftrace.cache.requests", request("memory", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.requests", request("disk", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.requests", request("remote", "hit"))).isEqualTo(1);
    assertThat(telemetry.sumPoints("perftrace.cache.requests")).hasSize(3);
    assertThat(telemetry.sum("perftrace.cache.lookups", servedBy("remote"))).isEqualTo(1);
  }

  @Test
  void recordLookup_nullMeansEveryTierMissedAndServedByNone() {
    cache.recordLookup(null);

    assertThat(telemetry.sum("perftrace.cache.requests", request("memory", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.requests", request("disk", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.requests", request("remote", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.lookups", servedBy("none"))).isEqualTo(1);
  }

  @Test
  void startLookup_recordsPerTierLatencyAndServingTier() {
    try (CacheLookup lookup = cache.startLookup()) {
      telemetry.ticker.advanceMillis(1);
      lookup.miss("memory");
      telemetry.ticker.advanceMillis(20);
      lookup.hit("disk");
    }

    HistogramPointData memory =
        telemetry.histogram("perftrace.cache.tier.duration", request("memory", "miss"));
    assertThat(memory.getCount()).isEqualTo(1);
    assertThat(memory.getSum()).isEqualTo(0.001);
    HistogramPointData disk =
        telemetry.histogram("perftrace.cache.tier.duration", request("disk", "hit"));
    assertThat(disk.getSum()).isEqualTo(0.02);
    assertThat(telemetry.sum("perftrace.cache.requests", request("memory", "miss"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.requests", request("disk", "hit"))).isEqualTo(1);
    assertThat(telemetry.sum("perftrace.cache.lookups", servedBy("disk"))).isEqualTo(1);
    assertThat(telemetry.sumPoints("perftrace.cache.lookups")).hasSize(1);
  }

  @Test
  void startLookup_withoutHitIsServedByNone() {
    try (CacheLookup lookup = cache.startLookup()) {
      lookup.miss("memory");
      lookup.miss("disk");
      lookup.miss("remote");
    }

    assertThat(telemetry.sum("perftrace.cache.lookups", servedBy("none"))).isEqualTo(1);
  }

  @Test
  void recordTierLatency_recordsTheDuration() {
    cache.recordTierLatency("remote", false, Duration.ofMillis(75));

    HistogramPointData point =
        telemetry.histogram("perftrace.cache.tier.duration", request("remote", "miss"));
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getSum()).isEqualTo(0.075);
  }

  @Test
  void recordTierLatency_usesCacheTierDefaultBucketsFrom100Nanoseconds() {
    cache.recordTierLatency("memory", true, Duration.ofNanos(150));

    HistogramPointData point =
        telemetry.histogram("perftrace.cache.tier.duration", request("memory", "hit"));
    assertThat(point.getBoundaries()).isEqualTo(PerfTracerBuilder.DEFAULT_CACHE_TIER_BUCKETS);
    // 150 ns falls into (100 ns, 160 ns], bucket 1 of 42
    assertThat(point.getCounts()).hasSize(42);
    assertThat(point.getCounts().get(1)).isEqualTo(1L);
    assertThat(point.getCounts().stream().mapToLong(Long::longValue).sum()).isEqualTo(1L);
  }

  @Test
  void build_customCacheTierBucketsAreUsed() {
    // a scope of its own: instruments of one scope are shared, and the first advice wins
    PerfTracer custom =
        PerfTracer.builder(telemetry.sdk, "custom.cache.scope")
            .setTicker(telemetry.ticker)
            .setCacheTierBuckets(List.of(0.001, 0.01))
            .build();
    custom.cache("content", "memory").recordTierLatency("memory", false, Duration.ofMillis(5));

    HistogramPointData point =
        telemetry.histogram("perftrace.cache.tier.duration", request("memory", "miss"));
    assertThat(point.getBoundaries()).containsExactly(0.001, 0.01);
    assertThat(point.getCounts()).containsExactly(0L, 1L, 0L);
  }

  @Test
  void recordHit_unknownTierIsDroppedAndCounted() {
    cache.recordHit("ssd");

    assertThat(telemetry.sumPoints("perftrace.cache.requests")).isEmpty();
    assertThat(telemetry.rejected("tier_unknown")).isEqualTo(1);
  }

  @Test
  void cacheActivity_isTotalledOnTheCurrentSpan() {
    try (Operation op = tracer.start("store.get")) {
      cache.recordLookup("remote");
    }

    SpanData span = telemetry.span("store.get");
    assertThat(span.getAttributes().get(PerfAttributes.CACHE_HITS)).isEqualTo(1L);
    assertThat(span.getAttributes().get(PerfAttributes.CACHE_MISSES)).isEqualTo(2L);
  }

  @Test
  void cache_sameNameReturnsEquivalentHandle() {
    TieredCache again = tracer.cache("content", "memory", "disk", "remote");
    again.recordHit("disk");
    cache.recordHit("disk");

    assertThat(telemetry.sum("perftrace.cache.requests", request("disk", "hit"))).isEqualTo(2);
  }

  @Test
  void cache_repeatedTierThrowsNamingTiers() {
    assertThatThrownBy(() -> tracer.cache("c", "memory", "memory"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tiers[1]");
  }
}
