package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeQuantileTest {

  /** Schema 0: bucket 1 = (1, 2], bucket 2 = (2, 4]; ten observations in each. */
  private static NativeHistogram twoBuckets() {
    return new NativeHistogram("d", Map.of(), 0, 0, 0, 20, 45, Map.of(1, 10.0, 2, 10.0), Map.of());
  }

  @Test
  void quantile_interpolatesLinearlyInsideTheBucketHoldingTheRank() {
    assertThat(NativeQuantile.quantile(0.25, twoBuckets())).isCloseTo(1.5, within(1e-12));
    assertThat(NativeQuantile.quantile(0.5, twoBuckets())).isCloseTo(2.0, within(1e-12));
    assertThat(NativeQuantile.quantile(0.75, twoBuckets())).isCloseTo(3.0, within(1e-12));
    assertThat(NativeQuantile.quantile(1.0, twoBuckets())).isCloseTo(4.0, within(1e-12));
  }

  @Test
  void quantile_schema3_bucketBoundsArePowersOfTwoToTheEighth() {
    // schema 3, bucket 8 = (2^(7/8), 2^1]
    NativeHistogram h =
        new NativeHistogram("d", Map.of(), 3, 0, 0, 4, 7.5, Map.of(8, 4.0), Map.of());
    double lower = Math.pow(2, 7.0 / 8);
    assertThat(NativeQuantile.quantile(0.5, h)).isCloseTo(lower + (2 - lower) / 2, within(1e-12));
  }

  @Test
  void quantile_rankInZeroBucketWithOnlyPositiveBuckets_fromZero() {
    NativeHistogram h =
        new NativeHistogram("d", Map.of(), 0, 0, 5, 10, 7.5, Map.of(1, 5.0), Map.of());
    assertThat(NativeQuantile.quantile(0.2, h)).isZero();
    assertThat(NativeQuantile.quantile(0.75, h)).isCloseTo(1.5, within(1e-12));
  }

  @Test
  void quantile_negativeBuckets_walkedFromTheMostNegative() {
    // negative bucket 2 = [-4, -2), positive bucket 1 = (1, 2]
    NativeHistogram h =
        new NativeHistogram("d", Map.of(), 0, 0, 0, 4, 0, Map.of(1, 2.0), Map.of(2, 2.0));
    assertThat(NativeQuantile.quantile(0.25, h)).isCloseTo(-3.0, within(1e-12));
    assertThat(NativeQuantile.quantile(0.75, h)).isCloseTo(1.5, within(1e-12));
  }

  @Test
  void quantile_outOfRangeAndEmpty() {
    assertThat(NativeQuantile.quantile(Double.NaN, twoBuckets())).isNaN();
    assertThat(NativeQuantile.quantile(-0.1, twoBuckets())).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(NativeQuantile.quantile(1.1, twoBuckets())).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(NativeQuantile.quantile(0.5, null)).isNaN();
    assertThat(
            NativeQuantile.quantile(
                0.5, new NativeHistogram("d", Map.of(), 0, 0, 0, 0, 0, Map.of(), Map.of())))
        .isNaN();
  }

  @Test
  void sum_differentSchemas_mergedAtTheCoarsest() {
    // schema 1: bucket 1 = (1, 1.414], bucket 2 = (1.414, 2], bucket 3 = (2, 2.83]
    NativeHistogram fine =
        new NativeHistogram(
            "d", Map.of("o", "a"), 1, 0, 1, 13, 20, Map.of(1, 4.0, 2, 4.0, 3, 4.0), Map.of());
    NativeHistogram coarse =
        new NativeHistogram("d", Map.of("o", "b"), 0, 0, 0, 2, 3, Map.of(1, 2.0), Map.of());

    NativeHistogram sum = NativeQuantile.sum(List.of(fine, coarse));

    assertThat(sum.schema()).isZero();
    // (1, 2] gets 4 + 4 + 2, (2, 4] gets 4
    assertThat(sum.positive()).isEqualTo(Map.of(1, 10.0, 2, 4.0));
    assertThat(sum.zeroCount()).isEqualTo(1);
    assertThat(sum.count()).isEqualTo(15);
    assertThat(sum.sum()).isEqualTo(23);
    assertThat(NativeQuantile.sum(List.of())).isNull();
  }
}
