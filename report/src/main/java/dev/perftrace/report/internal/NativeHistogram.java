package dev.perftrace.report.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * One native (sparse, exponential) histogram series of a protobuf exposition: Prometheus bucket
 * index {@code i} holds {@code (base^(i-1), base^i]} (negative buckets the same by absolute value)
 * with {@code base = 2^(2^-schema)}; the zero bucket holds {@code [-zeroThreshold,
 * zeroThreshold]}. Counts are absolute per bucket (not deltas); empty buckets may be absent.
 *
 * <p>Thread safety: immutable.
 */
public record NativeHistogram(
    String name,
    Map<String, String> labels,
    int schema,
    double zeroThreshold,
    double zeroCount,
    double count,
    double sum,
    Map<Integer, Double> positive,
    Map<Integer, Double> negative) {

  public NativeHistogram {
    labels = Map.copyOf(labels);
    positive = new TreeMap<>(positive);
    negative = new TreeMap<>(negative);
  }

  /** Returns the value of label {@code name}, or {@code ""} when the series lacks it. */
  public String label(String name) {
    return labels.getOrDefault(name, "");
  }
}
