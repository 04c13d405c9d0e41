package dev.perftrace.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeResultsTest {

  @TempDir Path dir;

  @Test
  void merge_twoFiles_everyEntryInOrder() throws IOException {
    Path out = dir.resolve("merged.json");

    MergeResults.merge(out, Fixtures.file("jmh-1.37-noop.json"), Fixtures.file("baseline.json"));

    assertThat(JmhResults.read(out))
        .extracting(JmhResult::shortName)
        .containsExactly(
            "NoopBenchmark.emptyMethod",
            "NoopBenchmark.noopOperation",
            "OperationBenchmark.perfTrace",
            "OperationBenchmark.rawOpenTelemetry",
            "RecordBenchmark.perfTraceRecordBytes",
            "RecordBenchmark.rawCounterAdd",
            "ScrapeBenchmark.perfTraceExporter",
            "ScrapeBenchmark.openTelemetryExporter",
            "OtlpExportBenchmark.export");
  }

  @Test
  void merge_emptyInput_skipped() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.json"));
    Path out = dir.resolve("merged.json");

    MergeResults.merge(out, empty, Fixtures.file("jmh-1.37-noop.json"));

    assertThat(JmhResults.read(out))
        .extracting(JmhResult::shortName)
        .containsExactly("NoopBenchmark.emptyMethod", "NoopBenchmark.noopOperation");
  }
}
