package dev.perftrace.benchmarks;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/** Test fixtures under {@code src/test/resources/compare}. */
final class Fixtures {

  private Fixtures() {}

  static Path file(String name) {
    URL url = Fixtures.class.getResource("/compare/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An average-time result in ns/op, one thread, no parameters. */
  static JmhResult avgt(String name, double nanos, double allocBytes) {
    return new JmhResult(JmhResult.PACKAGE_PREFIX + name, "avgt", 1, Map.of(), nanos, allocBytes, Double.NaN, Double.NaN, Double.NaN);
  }

  /** An average-time result with CPU time per operation from {@link CpuTimeProfiler}. */
  static JmhResult withCpu(String name, double nanos, double cpuNanos) {
    return new JmhResult(
        JmhResult.PACKAGE_PREFIX + name,
        "avgt",
        1,
        Map.of(),
        nanos,
        0,
        cpuNanos,
        Double.NaN,
        Double.NaN);
  }

  /** An average-time result with process and benchmark-thread CPU time per operation. */
  static JmhResult withCallerCpu(String name, double nanos, double cpuNanos, double callerNanos) {
    return new JmhResult(
        JmhResult.PACKAGE_PREFIX + name,
        "avgt",
        1,
        Map.of(),
        nanos,
        0,
        cpuNanos,
        callerNanos,
        Double.NaN);
  }

  /** A throughput result of the export benchmark: spans ended/s and spans exported/s. */
  static JmhResult export(double endedPerSecond, double exportedPerSecond) {
    return new JmhResult(
        JmhResult.PACKAGE_PREFIX + "OtlpExportBenchmark.export",
        "thrpt",
        1,
        Map.of("pipeline", "perftraceSdk"),
        endedPerSecond,
        600,
        Double.NaN,
        Double.NaN,
        exportedPerSecond);
  }

  static JmhResult avgt(String name, int threads, double nanos, double allocBytes) {
    return new JmhResult(
        JmhResult.PACKAGE_PREFIX + name, "avgt", threads, Map.of(), nanos, allocBytes, Double.NaN, Double.NaN, Double.NaN);
  }
}
