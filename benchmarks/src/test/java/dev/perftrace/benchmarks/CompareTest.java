package dev.perftrace.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompareTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String result, String... options) {
    List<String> args = new ArrayList<>(List.of("--baseline", Fixtures.file("baseline.json").toString()));
    args.addAll(List.of(options));
    args.add(Fixtures.file(result).toString());
    return Compare.run(
        args.toArray(String[]::new),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String lineOf(String benchmark) {
    return output()
        .lines()
        .filter(l -> l.startsWith(benchmark + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + benchmark + " in\n" + output()));
  }

  @Test
  void run_resultWithinThreshold_returnsZero() {
    assertThat(run("result-pass.json")).isZero();
    assertThat(lineOf("OperationBenchmark.perfTrace")).contains(" 400 ", " 410 ", "1.025").endsWith("OK");
    assertThat(output()).contains("PASS: no regression");
  }

  @Test
  void run_timeRegression_returnsOne() {
    assertThat(run("result-regression.json")).isEqualTo(1);
    assertThat(lineOf("OperationBenchmark.perfTrace")).contains("1.500").endsWith("REGRESSION");
    assertThat(lineOf("OperationBenchmark.rawOpenTelemetry")).endsWith("OK");
    assertThat(output()).contains("FAIL: regression");
  }

  @Test
  void run_allocationRegression_returnsOne() {
    assertThat(run("result-alloc-regression.json")).isEqualTo(1);
    assertThat(lineOf("OperationBenchmark.perfTrace"))
        .contains("1.000", "480.0", "800.0")
        .endsWith("REGRESSION");
  }

  @Test
  void run_thresholdAboveSlowdown_returnsZero() {
    assertThat(run("result-regression.json", "--threshold", "1.6", "--targets", "off")).isZero();
    assertThat(lineOf("OperationBenchmark.perfTrace")).endsWith("OK");
  }

  @Test
  void run_throughputDrop_returnsOne() {
    assertThat(run("result-throughput-drop.json")).isEqualTo(1);
    assertThat(lineOf("OtlpExportBenchmark.export"))
        .contains("200000", "100000", "ops/s", "2.000")
        .endsWith("REGRESSION");
  }

  @Test
  void run_targetMissed_returnsOne() {
    assertThat(run("result-target-missed.json")).isEqualTo(1);
    assertThat(lineOf("tracked operation time <= 1.0x raw OpenTelemetry"))
        .contains("1.095x (460 vs 420 ns/op)")
        .endsWith("MISSED");
    assertThat(lineOf("OperationBenchmark.perfTrace")).endsWith("OK");
  }

  @Test
  void run_targetMissedWithTargetsWarn_returnsZero() {
    assertThat(run("result-target-missed.json", "--targets", "warn")).isZero();
    assertThat(output()).contains("PASS: no regression", "targets missed (warn)");
  }

  @Test
  void run_scoresInOtherTimeUnit_comparedNormalized() {
    assertThat(run("result-microseconds.json")).isZero();
    assertThat(lineOf("ScrapeBenchmark.perfTraceExporter"))
        .contains("series=1000", "900000", "ns/op", "1.000")
        .endsWith("OK");
    assertThat(lineOf("scrape time <= 1.0x OpenTelemetry's Prometheus exporter"))
        .contains("t1 series=1000", "0.900x")
        .endsWith("MET");
  }

  @Test
  void run_missingBaseline_returnsTwo() {
    int status =
        Compare.run(
            new String[] {"--baseline", "/nonexistent/baseline.json", "result.json"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("baseline /nonexistent/baseline.json not found" + System.lineSeparator());
  }

  @Test
  void run_unknownOption_returnsTwo() {
    assertThat(run("result-pass.json", "--frobnicate")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("unexpected argument --frobnicate");
  }

  @Test
  void run_thresholdBelowOne_returnsTwo() {
    assertThat(run("result-pass.json", "--threshold", "0.9")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("cannot compare: threshold must be at least 1.0, was 0.9" + System.lineSeparator());
  }
}
