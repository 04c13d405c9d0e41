package dev.perftrace.exporter.prometheus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NativeBucketsTest {

  @Test
  void nativeBuckets_scaleAtMost8_indexPlusOneAndEmptyBucketsLeftOut() {
    Object[] buckets = MetricConverter.nativeBuckets(3, -5, List.of(2L, 0L, 0L, 4L));

    assertThat((int[]) buckets[0]).containsExactly(-4, -1);
    assertThat((long[]) buckets[1]).containsExactly(2L, 4L);
  }

  @Test
  void nativeBuckets_scale10_fourAdjacentBucketsMergeIntoOne() {
    // scale 10 -> schema 8: OpenTelemetry indexes -6..1 shift by 2: -6,-5 -> -2; -4..-1 -> -1;
    // 0,1 -> 0; Prometheus index + 1
    Object[] buckets =
        MetricConverter.nativeBuckets(10, -6, List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L));

    assertThat((int[]) buckets[0]).containsExactly(-1, 0, 1);
    assertThat((long[]) buckets[1]).containsExactly(2L, 4L, 2L);
  }

  @Test
  void nativeBuckets_noCounts_empty() {
    Object[] buckets = MetricConverter.nativeBuckets(20, 0, List.of());

    assertThat((int[]) buckets[0]).isEmpty();
    assertThat((long[]) buckets[1]).isEmpty();
  }
}
