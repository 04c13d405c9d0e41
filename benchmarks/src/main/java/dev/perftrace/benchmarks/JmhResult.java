package dev.perftrace.benchmarks;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark result from a JMH JSON file, reduced to what the comparison needs.
 *
 * @param benchmark fully qualified benchmark method name
 * @param mode JMH mode ({@code avgt}, {@code thrpt}, {@code sample}, {@code ss})
 * @param threads number of benchmark threads
 * @param params JMH {@code @Param} values (sorted)
 * @param score primary score, normalized: ns/op for time modes, ops/s for throughput
 * @param allocBytesPerOp {@code gc.alloc.rate.norm} in B/op, or {@code NaN} without {@code -prof
 *     gc}
 * @param cpuNanosPerOp {@link CpuTimeProfiler#METRIC} in ns/op, or {@code NaN} without that
 *     profiler
 * @param callerNanosPerOp {@link CpuTimeProfiler#CALLER_METRIC} in ns/op, or {@code NaN}
 * @param exportedPerSecond the {@code exported} auxiliary counter of the export benchmark in
 *     ops/s, or {@code NaN}
 */
record JmhResult(
    String benchmark,
    String mode,
    int threads,
    Map<String, String> params,
    double score,
    double allocBytesPerOp,
    double cpuNanosPerOp,
    double callerNanosPerOp,
    double exportedPerSecond) {

  static final String PACKAGE_PREFIX = "dev.perftrace.benchmarks.";

  JmhResult {
    params = Map.copyOf(new TreeMap<>(params));
  }

  /** Returns true when a higher score is better (throughput mode). */
  boolean higherIsBetter() {
    return "thrpt".equals(mode);
  }

  /** Returns the unit of {@link #score()}. */
  String unit() {
    return higherIsBetter() ? "ops/s" : "ns/op";
  }

  /** Returns true when the GC profiler reported allocation. */
  boolean hasAlloc() {
    return !Double.isNaN(allocBytesPerOp);
  }

  /** Returns true when {@link CpuTimeProfiler} reported the benchmark threads' CPU time. */
  boolean hasCallerCpu() {
    return !Double.isNaN(callerNanosPerOp);
  }

  /** Returns true when the result has an {@code exported} rate. */
  boolean hasExported() {
    return !Double.isNaN(exportedPerSecond);
  }

  /** Returns true when {@link CpuTimeProfiler} reported CPU time per operation. */
  boolean hasCpu() {
    return !Double.isNaN(cpuNanosPerOp);
  }

  /** Returns the benchmark name without this module's package, e.g. {@code NoopBenchmark.x}. */
  String shortName() {
    return benchmark.startsWith(PACKAGE_PREFIX)
        ? benchmark.substring(PACKAGE_PREFIX.length())
        : benchmark;
  }

  /** Returns {@code params} as {@code k=v,k=v}, or {@code -} without parameters. */
  String paramsText() {
    if (params.isEmpty()) {
      return "-";
    }
    StringBuilder text = new StringBuilder();
    new TreeMap<>(params)
        .forEach(
            (k, v) -> {
              if (text.length() > 0) {
                text.append(',');
              }
              text.append(k).append('=').append(v);
            });
    return text.toString();
  }

  /** Identity of a result across runs: benchmark, mode, threads and parameters. */
  String key() {
    return benchmark + "|" + mode + "|t" + threads + "|" + new TreeMap<>(params);
  }

  /** Identity of the run conditions a result shares with its peers: threads and parameters. */
  String conditions() {
    return "t" + threads + "|" + new TreeMap<>(params);
  }

  /**
   * Converts a JMH score to ns/op (time units) or ops/s (throughput units).
   *
   * @throws IllegalArgumentException for a unit this tool does not know
   */
  static double normalize(double score, String unit) {
    String u = unit.trim().toLowerCase(Locale.ROOT);
    switch (u) {
      case "ns/op":
        return score;
      case "us/op":
        return score * 1e3;
      case "ms/op":
        return score * 1e6;
      case "s/op":
        return score * 1e9;
      case "ops/ns":
        return score * 1e9;
      case "ops/us":
        return score * 1e6;
      case "ops/ms":
        return score * 1e3;
      case "ops/s":
        return score;
      case "ops/min":
        return score / 60;
      default:
        throw new IllegalArgumentException("unknown score unit: " + unit);
    }
  }
}
