package dev.perftrace.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares a JMH result with a baseline (per-benchmark ratio thresholds) and checks the in-run
 * {@link Target}s. Immutable; safe for concurrent use.
 */
final class Comparison {

  /** Verdict of one line of the report. */
  enum Verdict {
    OK,
    REGRESSION,
    NEW,
    NOT_RUN,
    MET,
    MISSED,
    SKIPPED
  }

  /** One benchmark against its baseline. */
  record BaselineRow(
      JmhResult result, JmhResult baseline, double timeRatio, double allocRatio, Verdict verdict) {}

  /** One target under one set of run conditions. */
  record TargetRow(Target target, String conditions, String value, Verdict verdict) {}

  /** A time regression must also be at least this many nanoseconds per operation. */
  static final double MIN_TIME_DIFFERENCE_NANOS = 1.0;

  private final List<BaselineRow> baselineRows;
  private final List<TargetRow> targetRows;
  private final double threshold;

  private Comparison(List<BaselineRow> baselineRows, List<TargetRow> targetRows, double threshold) {
    this.baselineRows = List.copyOf(baselineRows);
    this.targetRows = List.copyOf(targetRows);
    this.threshold = threshold;
  }

  /**
   * Compares {@code results} with {@code baseline} and evaluates {@code targets} on {@code
   * results}.
   *
   * @param threshold a benchmark regresses when it is more than this factor slower (or allocates
   *     more than this factor plus {@code allocSlack}) than its baseline
   * @param allocSlack B/op below which allocation differences are noise; also the tolerance of
   *     zero-allocation targets
   */
  static Comparison of(
      List<JmhResult> baseline,
      List<JmhResult> results,
      List<Target> targets,
      double threshold,
      double allocSlack) {
    if (!(threshold >= 1.0)) {
      throw new IllegalArgumentException("threshold must be at least 1.0, was " + threshold);
    }
    if (!(allocSlack >= 0)) {
      throw new IllegalArgumentException("allocSlack must be non-negative, was " + allocSlack);
    }
    Map<String, JmhResult> base = index(baseline);
    Map<String, JmhResult> current = index(results);
    List<BaselineRow> rows = new ArrayList<>();
    for (JmhResult result : current.values()) {
      JmhResult before = base.get(result.key());
      if (before == null) {
        rows.add(new BaselineRow(result, null, Double.NaN, Double.NaN, Verdict.NEW));
        continue;
      }
      Times times = Times.of(result, before);
      double timeRatio = times.ratio();
      // Sub-nanosecond differences (the no-op benchmarks) are timer and JIT noise, not regressions.
      boolean slower =
          timeRatio > threshold
              && (times.higherIsBetter()
                  || times.measured() - times.reference() > MIN_TIME_DIFFERENCE_NANOS);
      double allocRatio = Double.NaN;
      boolean allocates = false;
      if (result.hasAlloc() && before.hasAlloc()) {
        allocRatio =
            before.allocBytesPerOp() > allocSlack
                ? result.allocBytesPerOp() / before.allocBytesPerOp()
                : Double.NaN;
        allocates = result.allocBytesPerOp() > before.allocBytesPerOp() * threshold + allocSlack;
      }
      // The export benchmark's capacity: fewer spans delivered per second is a regression too.
      boolean exportsLess =
          result.hasExported()
              && before.hasExported()
              && before.exportedPerSecond() / result.exportedPerSecond() > threshold;
      rows.add(
          new BaselineRow(
              result,
              before,
              timeRatio,
              allocRatio,
              slower || allocates || exportsLess ? Verdict.REGRESSION : Verdict.OK));
    }
    for (JmhResult before : base.values()) {
      if (!current.containsKey(before.key())) {
        rows.add(new BaselineRow(null, before, Double.NaN, Double.NaN, Verdict.NOT_RUN));
      }
    }
    List<TargetRow> targetRows = new ArrayList<>();
    for (Target target : targets) {
      targetRows.addAll(evaluate(target, results, allocSlack));
    }
    return new Comparison(rows, targetRows, threshold);
  }

  /** Returns true when some benchmark regressed against the baseline. */
  boolean regressed() {
    return baselineRows.stream().anyMatch(r -> r.verdict() == Verdict.REGRESSION);
  }

  /** Returns true when some target was missed. */
  boolean targetMissed() {
    return targetRows.stream().anyMatch(r -> r.verdict() == Verdict.MISSED);
  }

  List<BaselineRow> baselineRows() {
    return baselineRows;
  }

  List<TargetRow> targetRows() {
    return targetRows;
  }

  /** Prints both tables. */
  void print(PrintStream out) {
    out.printf(
        Locale.ROOT,
        "Against the baseline (regression: slower than %.2fx, or B/op above %.2fx + slack)%n",
        threshold,
        threshold);
    String format = "%-52s %-14s %3s %14s %14s %-9s %7s %10s %10s %s%n";
    out.printf(
        Locale.ROOT,
        format,
        "benchmark",
        "params",
        "thr",
        "baseline",
        "result",
        "unit",
        "ratio",
        "base B/op",
        "B/op",
        "verdict");
    for (BaselineRow row : baselineRows) {
      JmhResult any = row.result() != null ? row.result() : row.baseline();
      String base = "-";
      String now = "-";
      String unit = any.unit();
      if (row.result() != null && row.baseline() != null) {
        Times times = Times.of(row.result(), row.baseline());
        base = number(times.reference());
        now = number(times.measured());
        unit = times.unit();
      } else if (row.result() != null) {
        now = number(row.result().score());
      } else {
        base = number(row.baseline().score());
      }
      out.printf(
          Locale.ROOT,
          format,
          any.shortName(),
          any.paramsText(),
          any.threads(),
          base,
          now,
          unit,
          Double.isNaN(row.timeRatio()) ? "-" : String.format(Locale.ROOT, "%.3f", row.timeRatio()),
          row.baseline() == null ? "-" : bytes(row.baseline().allocBytesPerOp()),
          row.result() == null ? "-" : bytes(row.result().allocBytesPerOp()),
          row.verdict());
    }
    out.println();
    out.println("In-run targets");
    String targetFormat = "%-58s %-22s %-34s %s%n";
    out.printf(Locale.ROOT, targetFormat, "target", "conditions", "value", "verdict");
    for (TargetRow row : targetRows) {
      out.printf(
          Locale.ROOT,
          targetFormat,
          row.target().description(),
          row.conditions(),
          row.value(),
          row.verdict());
    }
  }

  private static List<TargetRow> evaluate(
      Target target, List<JmhResult> results, double allocSlack) {
    Map<String, JmhResult> measured = byConditions(results, target.benchmark());
    if (measured.isEmpty()) {
      return List.of(new TargetRow(target, "-", "not measured", Verdict.SKIPPED));
    }
    Map<String, JmhResult> references =
        target.reference() == null ? Map.of() : byConditions(results, target.reference());
    List<TargetRow> rows = new ArrayList<>();
    for (Map.Entry<String, JmhResult> entry : measured.entrySet()) {
      JmhResult m = entry.getValue();
      String conditions = "t" + m.threads() + " " + m.paramsText();
      if (target.kind() == Target.Kind.ZERO_ALLOC) {
        if (!m.hasAlloc()) {
          rows.add(new TargetRow(target, conditions, "no -prof gc data", Verdict.SKIPPED));
        } else {
          rows.add(
              new TargetRow(
                  target,
                  conditions,
                  bytes(m.allocBytesPerOp()) + " B/op",
                  m.allocBytesPerOp() <= allocSlack ? Verdict.MET : Verdict.MISSED));
        }
        continue;
      }
      JmhResult r = references.get(entry.getKey());
      if (r == null) {
        rows.add(new TargetRow(target, conditions, "reference not measured", Verdict.SKIPPED));
        continue;
      }
      rows.add(evaluatePair(target, conditions, m, r, allocSlack));
    }
    return rows;
  }

  private static TargetRow evaluatePair(
      Target target, String conditions, JmhResult m, JmhResult r, double allocSlack) {
    switch (target.kind()) {
      case TIME_RATIO:
        {
          Times times = Times.of(m, r);
          double ratio = times.ratio();
          String value =
              String.format(
                  Locale.ROOT,
                  "%.3fx (%s vs %s %s)",
                  ratio,
                  number(times.measured()),
                  number(times.reference()),
                  times.unit());
          return new TargetRow(
              target, conditions, value, ratio <= target.limit() ? Verdict.MET : Verdict.MISSED);
        }
      case ALLOC_RATIO:
        {
          if (!m.hasAlloc() || !r.hasAlloc()) {
            return new TargetRow(target, conditions, "no -prof gc data", Verdict.SKIPPED);
          }
          String ratio =
              r.allocBytesPerOp() > allocSlack
                  ? String.format(
                      Locale.ROOT, "%.3fx ", m.allocBytesPerOp() / r.allocBytesPerOp())
                  : "";
          String value =
              ratio + "(" + bytes(m.allocBytesPerOp()) + " vs " + bytes(r.allocBytesPerOp()) + " B/op)";
          boolean met = m.allocBytesPerOp() <= r.allocBytesPerOp() * target.limit() + allocSlack;
          return new TargetRow(target, conditions, value, met ? Verdict.MET : Verdict.MISSED);
        }
      case ALLOC_ABOVE_BYTES:
        {
          if (!m.hasAlloc() || !r.hasAlloc()) {
            return new TargetRow(target, conditions, "no -prof gc data", Verdict.SKIPPED);
          }
          double above = m.allocBytesPerOp() - r.allocBytesPerOp();
          String value =
              String.format(
                  Locale.ROOT,
                  "%+.1f B (%s vs %s B/op)",
                  above,
                  bytes(m.allocBytesPerOp()),
                  bytes(r.allocBytesPerOp()));
          boolean met = above <= target.limit() + allocSlack;
          return new TargetRow(target, conditions, value, met ? Verdict.MET : Verdict.MISSED);
        }
      case TIME_ABOVE_NS:
        {
          Times times = Times.of(m, r);
          double above = times.measured() - times.reference();
          String value =
              String.format(
                  Locale.ROOT,
                  "%+.2f ns (%s vs %s %s)",
                  above,
                  number(times.measured()),
                  number(times.reference()),
                  times.unit());
          return new TargetRow(
              target, conditions, value, above <= target.limit() ? Verdict.MET : Verdict.MISSED);
        }
      default:
        throw new IllegalStateException("unexpected target kind " + target.kind());
    }
  }

  /**
   * Benchmark classes whose work happens on other threads than the benchmark's (HTTP server
   * threads answering a scrape, the export pipeline): the benchmark threads' CPU time says
   * nothing about them.
   */
  static final Set<String> WORK_ON_OTHER_THREADS = Set.of("ScrapeBenchmark", "OtlpExportBenchmark");

  /**
   * The time figures to compare for {@code m} against {@code r}, the first both sides have: the
   * benchmark threads' CPU time per operation (the hot-path cost, robust on a shared machine;
   * not for {@link #WORK_ON_OTHER_THREADS}), the whole JVM's CPU time per operation, else the
   * primary scores.
   */
  record Times(double measured, double reference, String unit, boolean higherIsBetter) {
    static Times of(JmhResult m, JmhResult r) {
      String benchmarkClass = m.shortName().substring(0, Math.max(0, m.shortName().indexOf('.')));
      if (m.hasCallerCpu() && r.hasCallerCpu() && !WORK_ON_OTHER_THREADS.contains(benchmarkClass)) {
        return new Times(m.callerNanosPerOp(), r.callerNanosPerOp(), "caller ns/op", false);
      }
      if (m.hasCpu() && r.hasCpu()) {
        return new Times(m.cpuNanosPerOp(), r.cpuNanosPerOp(), "cpu ns/op", false);
      }
      return new Times(m.score(), r.score(), m.unit(), m.higherIsBetter());
    }

    /** How many times worse {@code measured} is than {@code reference}. */
    double ratio() {
      return higherIsBetter ? reference / measured : measured / reference;
    }
  }

  private static Map<String, JmhResult> byConditions(List<JmhResult> results, String name) {
    Map<String, JmhResult> map = new LinkedHashMap<>();
    for (JmhResult result : results) {
      if (result.benchmark().equals(name)
          || result.benchmark().equals(JmhResult.PACKAGE_PREFIX + name)) {
        map.put(result.conditions(), result);
      }
    }
    return map;
  }

  private static Map<String, JmhResult> index(List<JmhResult> results) {
    Map<String, JmhResult> map = new LinkedHashMap<>();
    for (JmhResult result : results) {
      map.put(result.key(), result);
    }
    return map;
  }

  private static String number(double value) {
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static String bytes(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }
}
