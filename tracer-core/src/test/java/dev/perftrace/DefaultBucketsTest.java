package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The documented shape of the default bucket layouts (docs/telemetry.md): their range, and that
 * adjacent boundaries differ by at most a factor of 1.6, which bounds the interpolation error of
 * {@code histogram_quantile} (measured by the accuracy suite in exporters/sdk).
 */
class DefaultBucketsTest {

  @Test
  void durationBuckets_span1MicrosecondTo60SecondsIn40Boundaries() {
    List<Double> b = PerfTracerBuilder.DEFAULT_DURATION_BUCKETS;
    assertThat(b).hasSize(40);
    assertThat(b.get(0)).isEqualTo(1e-6);
    assertThat(b.get(b.size() - 1)).isEqualTo(60.0);
    assertThat(maxRatio(b)).isLessThanOrEqualTo(1.6);
  }

  @Test
  void cacheTierBuckets_span100NanosecondsTo10SecondsIn41Boundaries() {
    List<Double> b = PerfTracerBuilder.DEFAULT_CACHE_TIER_BUCKETS;
    assertThat(b).hasSize(41);
    assertThat(b.get(0)).isEqualTo(1e-7);
    assertThat(b.get(b.size() - 1)).isEqualTo(10.0);
    assertThat(maxRatio(b)).isLessThanOrEqualTo(1.6);
  }

  @Test
  void sizeBuckets_arePowersOfFourFrom64BytesTo64Mebibytes() {
    List<Long> b = PerfTracerBuilder.DEFAULT_SIZE_BUCKETS;
    assertThat(b).hasSize(11);
    for (int i = 0; i < b.size(); i++) {
      assertThat(b.get(i)).isEqualTo(64L << (2 * i));
    }
  }

  private static double maxRatio(List<Double> boundaries) {
    double max = 0;
    for (int i = 1; i < boundaries.size(); i++) {
      assertThat(boundaries.get(i)).isGreaterThan(boundaries.get(i - 1));
      max = Math.max(max, boundaries.get(i) / boundaries.get(i - 1));
    }
    return max;
  }
}
