package dev.perftrace.report.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * The quantile of a classic (explicit-bucket) histogram, interpolated exactly as Prometheus'
 * {@code histogram_quantile} does for {@code le} buckets.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 *
 * <p>Rules, in order: {@code q} NaN gives NaN, {@code q < 0} gives -Inf, {@code q > 1} gives +Inf;
 * no {@code +Inf} bucket gives NaN; buckets with the same bound are added together; counts that
 * decrease with a growing bound are raised to the running maximum; fewer than two buckets or zero
 * observations give NaN. The rank {@code q * count(+Inf)} is looked up in the first bucket whose
 * cumulative count reaches it: in the {@code +Inf} bucket the answer is the highest finite bound;
 * in the lowest bucket with a bound at or below zero the answer is that bound; otherwise it is
 * interpolated linearly inside the bucket, the lowest bucket starting at 0.
 */
public final class BucketQuantile {

  private BucketQuantile() {}

  /**
   * Returns the {@code q}-quantile of cumulative bucket counts keyed by upper bound ({@code le}).
   */
  public static double quantile(double q, Map<Double, Double> cumulativeCountsByUpperBound) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    // A TreeMap sorts by bound and adds up buckets with the same bound.
    TreeMap<Double, Double> sorted = new TreeMap<>();
    cumulativeCountsByUpperBound.forEach(
        (bound, count) -> {
          if (!Double.isNaN(bound)) {
            sorted.merge(bound, count, Double::sum);
          }
        });
    if (sorted.isEmpty() || sorted.lastKey() != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    int n = sorted.size();
    if (n < 2) {
      return Double.NaN;
    }
    double[] bounds = new double[n];
    double[] counts = new double[n];
    int i = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (Map.Entry<Double, Double> e : sorted.entrySet()) {
      bounds[i] = e.getKey();
      double c = e.getValue();
      if (c > max) {
        max = c;
      } else if (c < max) {
        c = max;
      }
      counts[i] = c;
      i++;
    }
    double observations = counts[n - 1];
    if (observations == 0) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = firstAtLeast(counts, n - 1, rank);
    if (b == n - 1) {
      return bounds[n - 2];
    }
    if (b == 0 && bounds[0] <= 0) {
      return bounds[0];
    }
    double bucketStart = 0;
    double bucketEnd = bounds[b];
    double count = counts[b];
    if (b > 0) {
      bucketStart = bounds[b - 1];
      count -= counts[b - 1];
      rank -= counts[b - 1];
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
  }

  /** Binary search: the smallest index in [0, limit) whose count is at least rank, else limit. */
  private static int firstAtLeast(double[] counts, int limit, double rank) {
    int lo = 0;
    int hi = limit;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (counts[mid] >= rank) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
