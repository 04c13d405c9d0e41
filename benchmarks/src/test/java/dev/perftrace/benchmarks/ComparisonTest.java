package dev.perftrace.benchmarks;

import static dev.perftrace.benchmarks.Fixtures.avgt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.benchmarks.Comparison.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  private static final Target ZERO =
      new Target("zero", Target.Kind.ZERO_ALLOC, "RecordBenchmark.perfTraceCacheHit", null, 0);
  private static final Target NOOP =
      new Target(
          "noop", Target.Kind.TIME_ABOVE_NS, "NoopBenchmark.noopOperation", "NoopBenchmark.emptyMethod", 5);
  private static final Target RATIO =
      new Target(
          "ratio",
          Target.Kind.TIME_RATIO,
          "OperationBenchmark.perfTrace",
          "OperationBenchmark.rawOpenTelemetry",
          1.05);

  private static Comparison targetsOnly(Target target, JmhResult... results) {
    return Comparison.of(List.of(), List.of(results), List.of(target), 1.25, 1.0);
  }

  @Test
  void of_zeroAllocWithinSlack_met() {
    Comparison c = targetsOnly(ZERO, avgt("RecordBenchmark.perfTraceCacheHit", 10, 0.0004));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("0.0 B/op");
      assertThat(row.verdict()).isEqualTo(Verdict.MET);
    });
  }

  @Test
  void of_zeroAllocOneObject_missed() {
    Comparison c = targetsOnly(ZERO, avgt("RecordBenchmark.perfTraceCacheHit", 10, 24));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("24.0 B/op");
      assertThat(row.verdict()).isEqualTo(Verdict.MISSED);
    });
    assertThat(c.targetMissed()).isTrue();
  }

  private static final Target ALLOC_ABOVE =
      new Target(
          "alloc",
          Target.Kind.ALLOC_ABOVE_BYTES,
          "OperationBenchmark.perfTrace",
          "OperationBenchmark.rawOpenTelemetry",
          40);

  @Test
  void of_allocFortyBytesAboveRaw_met() {
    Comparison c =
        targetsOnly(
            ALLOC_ABOVE,
            avgt("OperationBenchmark.perfTrace", 500, 1048),
            avgt("OperationBenchmark.rawOpenTelemetry", 500, 1008));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("+40.0 B (1048.0 vs 1008.0 B/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MET);
    });
  }

  @Test
  void of_allocFortyEightBytesAboveRaw_missed() {
    Comparison c =
        targetsOnly(
            ALLOC_ABOVE,
            avgt("OperationBenchmark.perfTrace", 500, 1056),
            avgt("OperationBenchmark.rawOpenTelemetry", 500, 1008));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("+48.0 B (1056.0 vs 1008.0 B/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MISSED);
    });
    assertThat(c.targetMissed()).isTrue();
  }

  @Test
  void of_noopSixNanosAboveEmptyMethod_missed() {
    Comparison c =
        targetsOnly(
            NOOP, avgt("NoopBenchmark.noopOperation", 8.5, 0), avgt("NoopBenchmark.emptyMethod", 2.5, 0));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("+6.00 ns (8.50 vs 2.50 ns/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MISSED);
    });
  }

  @Test
  void of_ratioPairedPerThreadCount_eachEvaluated() {
    Comparison c =
        targetsOnly(
            RATIO,
            avgt("OperationBenchmark.perfTrace", 1, 100, 0),
            avgt("OperationBenchmark.rawOpenTelemetry", 1, 100, 0),
            avgt("OperationBenchmark.perfTrace", 2, 150, 0),
            avgt("OperationBenchmark.rawOpenTelemetry", 2, 120, 0));
    assertThat(c.targetRows())
        .extracting(Comparison.TargetRow::conditions, Comparison.TargetRow::verdict)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("t1 -", Verdict.MET),
            org.assertj.core.groups.Tuple.tuple("t2 -", Verdict.MISSED));
  }

  @Test
  void of_referenceOnlyWithOtherThreads_skipped() {
    Comparison c =
        targetsOnly(
            RATIO,
            avgt("OperationBenchmark.perfTrace", 2, 150, 0),
            avgt("OperationBenchmark.rawOpenTelemetry", 1, 100, 0));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("reference not measured");
      assertThat(row.verdict()).isEqualTo(Verdict.SKIPPED);
    });
    assertThat(c.targetMissed()).isFalse();
  }

  @Test
  void of_cpuTimeOnBothSides_ratioFromCpuTime() {
    Comparison c =
        targetsOnly(
            RATIO,
            Fixtures.withCpu("OperationBenchmark.perfTrace", 900, 400),
            Fixtures.withCpu("OperationBenchmark.rawOpenTelemetry", 300, 400));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("1.000x (400 vs 400 cpu ns/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MET);
    });
  }

  @Test
  void of_callerCpuOnBothSides_preferredOverProcessCpu() {
    Comparison c =
        targetsOnly(
            RATIO,
            Fixtures.withCallerCpu("OperationBenchmark.perfTrace", 900, 800, 420),
            Fixtures.withCallerCpu("OperationBenchmark.rawOpenTelemetry", 300, 400, 400));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("1.050x (420 vs 400 caller ns/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MET);
    });
  }

  @Test
  void of_scrapeWithCallerCpu_ratioFromProcessCpu() {
    Target scrape =
        new Target(
            "scrape",
            Target.Kind.TIME_RATIO,
            "ScrapeBenchmark.perfTraceExporter",
            "ScrapeBenchmark.openTelemetryExporter",
            1.0);
    Comparison c =
        targetsOnly(
            scrape,
            Fixtures.withCallerCpu("ScrapeBenchmark.perfTraceExporter", 3000, 4000, 260),
            Fixtures.withCallerCpu("ScrapeBenchmark.openTelemetryExporter", 10000, 10000, 250));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("0.400x (4000 vs 10000 cpu ns/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MET);
    });
  }

  @Test
  void of_cpuTimeOnOneSideOnly_ratioFromPrimaryScore() {
    Comparison c =
        targetsOnly(
            RATIO,
            Fixtures.withCpu("OperationBenchmark.perfTrace", 900, 400),
            avgt("OperationBenchmark.rawOpenTelemetry", 300, 0));
    assertThat(c.targetRows()).singleElement().satisfies(row -> {
      assertThat(row.value()).isEqualTo("3.000x (900 vs 300 ns/op)");
      assertThat(row.verdict()).isEqualTo(Verdict.MISSED);
    });
  }

  @Test
  void of_cpuTimeRegressedAgainstBaseline_regression() {
    Comparison c =
        Comparison.of(
            List.of(Fixtures.withCpu("OperationBenchmark.perfTrace", 900, 400)),
            List.of(Fixtures.withCpu("OperationBenchmark.perfTrace", 900, 520)),
            List.of(),
            1.25,
            1.0);
    assertThat(c.baselineRows()).singleElement().satisfies(row -> {
      assertThat(row.timeRatio()).isEqualTo(1.3);
      assertThat(row.verdict()).isEqualTo(Verdict.REGRESSION);
    });
  }

  @Test
  void of_fewerSpansExported_regression() {
    Comparison c =
        Comparison.of(
            List.of(Fixtures.export(1_000_000, 40_000)),
            List.of(Fixtures.export(1_000_000, 20_000)),
            List.of(),
            1.25,
            1.0);
    assertThat(c.baselineRows()).singleElement().satisfies(row -> {
      assertThat(row.timeRatio()).isEqualTo(1.0);
      assertThat(row.verdict()).isEqualTo(Verdict.REGRESSION);
    });
  }

  @Test
  void of_exportedWithinThreshold_ok() {
    Comparison c =
        Comparison.of(
            List.of(Fixtures.export(1_000_000, 40_000)),
            List.of(Fixtures.export(1_000_000, 36_000)),
            List.of(),
            1.25,
            1.0);
    assertThat(c.regressed()).isFalse();
  }

  @Test
  void of_benchmarkOnlyInBaseline_notRunAndNoRegression() {
    Comparison c =
        Comparison.of(
            List.of(avgt("NoopBenchmark.emptyMethod", 2.5, 0)), List.of(), List.of(), 1.25, 1.0);
    assertThat(c.baselineRows()).singleElement().extracting(Comparison.BaselineRow::verdict)
        .isEqualTo(Verdict.NOT_RUN);
    assertThat(c.regressed()).isFalse();
  }

  @Test
  void of_subNanosecondSlowdown_ok() {
    Comparison c =
        Comparison.of(
            List.of(avgt("NoopBenchmark.emptyMethod", 0.73, 0)),
            List.of(avgt("NoopBenchmark.emptyMethod", 0.96, 0)),
            List.of(),
            1.25,
            1.0);
    assertThat(c.baselineRows()).singleElement().satisfies(row -> {
      assertThat(row.timeRatio()).isCloseTo(1.315, org.assertj.core.data.Offset.offset(0.001));
      assertThat(row.verdict()).isEqualTo(Verdict.OK);
    });
  }

  @Test
  void of_benchmarkOnlyInResult_new() {
    Comparison c =
        Comparison.of(
            List.of(), List.of(avgt("NoopBenchmark.emptyMethod", 2.5, 0)), List.of(), 1.25, 1.0);
    assertThat(c.baselineRows()).singleElement().extracting(Comparison.BaselineRow::verdict)
        .isEqualTo(Verdict.NEW);
  }

  @Test
  void of_allocationFromZeroWithinSlack_ok() {
    Comparison c =
        Comparison.of(
            List.of(avgt("NoopBenchmark.emptyMethod", 2.5, 0.00001)),
            List.of(avgt("NoopBenchmark.emptyMethod", 2.5, 0.5)),
            List.of(),
            1.25,
            1.0);
    assertThat(c.regressed()).isFalse();
  }
}
