package dev.perftrace.report.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quantile of native histograms, computed as Prometheus 2.42's {@code histogram_quantile}
 * does for them, and the sum of several native series (as PromQL's {@code sum}).
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 *
 * <p>Quantile rules: {@code q} NaN gives NaN, {@code q < 0} gives -Inf, {@code q > 1} gives +Inf,
 * no observation gives NaN. Buckets are walked from the most negative through the zero bucket to
 * the most positive; the rank {@code q * count} is looked up in the first bucket whose cumulative
 * count reaches it and interpolated linearly inside it. The zero bucket starts at 0 when there
 * are no negative buckets (ends at 0 when there are no positive ones). A rank beyond every bucket
 * gives the upper bound of the last one.
 */
public final class NativeQuantile {

  private NativeQuantile() {}

  /**
   * Adds native histograms together at the coarsest schema among them (a finer bucket {@code i}
   * falls into coarser bucket {@code ((i - 1) >> k) + 1}, {@code k} the schema difference); the
   * zero threshold is the largest. Returns null for an empty list.
   */
  public static NativeHistogram sum(List<NativeHistogram> histograms) {
    if (histograms.isEmpty()) {
      return null;
    }
    int schema = Integer.MAX_VALUE;
    double zeroThreshold = 0;
    for (NativeHistogram h : histograms) {
      schema = Math.min(schema, h.schema());
      zeroThreshold = Math.max(zeroThreshold, h.zeroThreshold());
    }
    Map<Integer, Double> positive = new TreeMap<>();
    Map<Integer, Double> negative = new TreeMap<>();
    double zeroCount = 0;
    double count = 0;
    double sum = 0;
    for (NativeHistogram h : histograms) {
      int shift = h.schema() - schema;
      h.positive().forEach((i, c) -> positive.merge(((i - 1) >> shift) + 1, c, Double::sum));
      h.negative().forEach((i, c) -> negative.merge(((i - 1) >> shift) + 1, c, Double::sum));
      zeroCount += h.zeroCount();
      count += h.count();
      sum += h.sum();
    }
    NativeHistogram first = histograms.get(0);
    return new NativeHistogram(
        first.name(), Map.of(), schema, zeroThreshold, zeroCount, count, sum, positive, negative);
  }

  /** Returns the {@code q}-quantile of {@code h} (NaN for null). */
  public static double quantile(double q, NativeHistogram h) {
    if (Double.isNaN(q) || h == null) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (!(h.count() > 0)) {
      return Double.NaN;
    }
    List<double[]> buckets = new ArrayList<>(); // lower, upper, count
    List<Integer> negativeIndexes = new ArrayList<>(h.negative().keySet());
    for (int n = negativeIndexes.size() - 1; n >= 0; n--) {
      int i = negativeIndexes.get(n);
      buckets.add(new double[] {-bound(i, h.schema()), -bound(i - 1, h.schema()),
          h.negative().get(i)});
    }
    if (h.zeroCount() > 0 || h.zeroThreshold() > 0) {
      double lower = -h.zeroThreshold();
      double upper = h.zeroThreshold();
      if (h.negative().isEmpty() && !h.positive().isEmpty()) {
        lower = 0;
      } else if (h.positive().isEmpty() && !h.negative().isEmpty()) {
        upper = 0;
      }
      buckets.add(new double[] {lower, upper, h.zeroCount()});
    }
    h.positive()
        .forEach(
            (i, c) -> buckets.add(new double[] {bound(i - 1, h.schema()), bound(i, h.schema()), c}));
    double rank = q * h.count();
    double seen = 0;
    double[] bucket = null;
    for (double[] b : buckets) {
      bucket = b;
      seen += b[2];
      if (seen >= rank) {
        break;
      }
    }
    if (bucket == null) {
      return Double.NaN;
    }
    if (seen > h.count()) {
      seen = h.count();
    }
    if (seen < rank) {
      return bucket[1];
    }
    double inBucket = rank - (seen - bucket[2]);
    return bucket[0] + (bucket[1] - bucket[0]) * (inBucket / bucket[2]);
  }

  /** The upper bound of Prometheus bucket {@code index} at {@code schema}: 2^(index·2^-schema). */
  static double bound(int index, int schema) {
    return Math.pow(2, Math.scalb((double) index, -schema));
  }
}
