package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BucketQuantileTest {

  private static final double INF = Double.POSITIVE_INFINITY;

  /** 0.01:40, 0.1:70, 1:95, +Inf:100 (cumulative). */
  private static Map<Double, Double> sample() {
    return buckets(0.01, 40, 0.1, 70, 1.0, 95, INF, 100);
  }

  private static Map<Double, Double> buckets(double... boundAndCount) {
    Map<Double, Double> m = new HashMap<>();
    for (int i = 0; i < boundAndCount.length; i += 2) {
      m.put(boundAndCount[i], boundAndCount[i + 1]);
    }
    return m;
  }

  @Test
  void quantile_medianInsideMiddleBucket_interpolatesLinearly() {
    // rank 50 falls in (0.01, 0.1] holding 30: 0.01 + 0.09 * (50 - 40) / 30
    assertThat(BucketQuantile.quantile(0.5, sample())).isCloseTo(0.04, within(1e-15));
  }

  @Test
  void quantile_rankEqualToBucketCount_returnsBucketUpperBound() {
    assertThat(BucketQuantile.quantile(0.95, sample())).isEqualTo(1.0);
  }

  @Test
  void quantile_rankInInfBucket_returnsHighestFiniteBound() {
    assertThat(BucketQuantile.quantile(0.99, sample())).isEqualTo(1.0);
  }

  @Test
  void quantile_rankInLowestBucket_interpolatesFromZero() {
    // rank 20 of 40 in (0, 0.01]: 0.01 * 20 / 40
    assertThat(BucketQuantile.quantile(0.2, sample())).isCloseTo(0.005, within(1e-15));
  }

  @Test
  void quantile_lowestBoundAtOrBelowZero_returnsThatBound() {
    assertThat(BucketQuantile.quantile(0.1, buckets(-1.0, 5, 1.0, 10, INF, 10))).isEqualTo(-1.0);
  }

  @Test
  void quantile_qOne_returnsHighestFiniteBoundWhenInfBucketHoldsObservations() {
    assertThat(BucketQuantile.quantile(1.0, sample())).isEqualTo(1.0);
  }

  @Test
  void quantile_qOneWithEmptyInfBucket_returnsUpperBoundOfLastFilledBucket() {
    assertThat(BucketQuantile.quantile(1.0, buckets(1.0, 4, 2.0, 10, INF, 10))).isEqualTo(2.0);
  }

  @Test
  void quantile_qZero_returnsZeroForPositiveLowestBucket() {
    assertThat(BucketQuantile.quantile(0.0, sample())).isEqualTo(0.0);
  }

  @Test
  void quantile_emptyHistogram_isNaN() {
    assertThat(BucketQuantile.quantile(0.5, buckets(0.1, 0, 1.0, 0, INF, 0))).isNaN();
  }

  @Test
  void quantile_noBuckets_isNaN() {
    assertThat(BucketQuantile.quantile(0.5, Map.of())).isNaN();
  }

  @Test
  void quantile_withoutInfBucket_isNaN() {
    assertThat(BucketQuantile.quantile(0.5, buckets(0.1, 5, 1.0, 10))).isNaN();
  }

  @Test
  void quantile_onlyInfBucket_isNaN() {
    assertThat(BucketQuantile.quantile(0.5, buckets(INF, 10))).isNaN();
  }

  @Test
  void quantile_negativeQ_isNegativeInfinity() {
    assertThat(BucketQuantile.quantile(-0.1, sample())).isEqualTo(Double.NEGATIVE_INFINITY);
  }

  @Test
  void quantile_qAboveOne_isPositiveInfinity() {
    assertThat(BucketQuantile.quantile(1.1, sample())).isEqualTo(INF);
  }

  @Test
  void quantile_nanQ_isNaN() {
    assertThat(BucketQuantile.quantile(Double.NaN, sample())).isNaN();
  }

  @Test
  void quantile_nonMonotonicCounts_areRaisedToRunningMaximum() {
    // 0.1:40, 1:30 (forced to 40), 2:100, +Inf:100; rank 50 in (1, 2]: 1 + 1 * (50 - 40) / 60
    assertThat(BucketQuantile.quantile(0.5, buckets(0.1, 40, 1.0, 30, 2.0, 100, INF, 100)))
        .isCloseTo(1.0 + 10.0 / 60.0, within(1e-15));
  }

  @Test
  void quantile_allObservationsInInfBucket_returnsHighestFiniteBound() {
    assertThat(BucketQuantile.quantile(0.5, buckets(0.5, 0, 1.0, 0, INF, 7))).isEqualTo(1.0);
  }

  @Test
  void quantile_fractionalCountsFromRates_interpolate() {
    // rates 0.25:0.5/s, 0.5:1.5/s, +Inf:2/s; rank 1.0 in (0.25, 0.5]: 0.25 + 0.25 * 0.5 / 1.0
    Map<Double, Double> rates = buckets(0.25, 0.5, 0.5, 1.5, INF, 2.0);
    assertThat(BucketQuantile.quantile(0.5, rates)).isCloseTo(0.375, within(1e-15));
  }
}
