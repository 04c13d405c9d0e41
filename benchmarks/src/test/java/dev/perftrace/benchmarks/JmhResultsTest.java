package dev.perftrace.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JmhResultsTest {

  @TempDir Path dir;

  @Test
  void read_jmhOutput_scoreAndAllocation() throws IOException {
    List<JmhResult> results = JmhResults.read(Fixtures.file("jmh-1.37-noop.json"));

    assertThat(results)
        .containsExactly(
            new JmhResult(
                "dev.perftrace.benchmarks.NoopBenchmark.emptyMethod",
                "avgt",
                1,
                Map.of(),
                2.407568846292678,
                1.392755723845573E-5,
                Double.NaN,
                Double.NaN,
                Double.NaN),
            new JmhResult(
                "dev.perftrace.benchmarks.NoopBenchmark.noopOperation",
                "avgt",
                1,
                Map.of(),
                2.3937452841065294,
                1.3940715031159355E-5,
                Double.NaN,
                Double.NaN,
                Double.NaN));
  }

  @Test
  void read_millisecondsWithParams_nanosecondsAndParams() throws IOException {
    List<JmhResult> results = JmhResults.read(Fixtures.file("baseline.json"));

    assertThat(results)
        .filteredOn(r -> r.shortName().equals("ScrapeBenchmark.perfTraceExporter"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.score()).isEqualTo(900_000.0);
              assertThat(r.params()).isEqualTo(Map.of("series", "1000"));
              assertThat(r.paramsText()).isEqualTo("series=1000");
            });
  }

  @Test
  void read_notAnArray_throwsNamingTheFile() throws IOException {
    Path file = dir.resolve("object.json");
    Files.writeString(file, "{\"benchmark\":\"x\"}");

    assertThatThrownBy(() -> JmhResults.read(file))
        .isInstanceOf(IOException.class)
        .hasMessage(file + " is not a JMH JSON result (expected a top-level array)");
  }

  @Test
  void normalize_unknownUnit_throws() {
    assertThatThrownBy(() -> JmhResult.normalize(1, "furlongs/op"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown score unit: furlongs/op");
  }
}
