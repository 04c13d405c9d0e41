package dev.perftrace.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.trace.TestSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.api.trace.SpanKind;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP-JSON lines file: size cap, rotation, oversized batches dropped and counted. */
class JsonLinesFileTest {

  @TempDir Path tempDir;

  private static SpanData span(String name) {
    return TestSpanData.builder()
        .setName(name)
        .setKind(SpanKind.INTERNAL)
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setHasEnded(true)
        .setStatus(StatusData.unset())
        .build();
  }

  private static boolean export(SpanExporter exporter, String name) {
    return exporter.export(List.of(span(name))).join(5, TimeUnit.SECONDS).isSuccess();
  }

  @Test
  void rotation_capReached_keepsAtMostMaxFilesOfAtMostMaxBytes() throws Exception {
    Path file = tempDir.resolve("spans.jsonl");
    SpanExporter probe = OtlpExporters.jsonLinesSpanExporter(tempDir.resolve("probe.jsonl"));
    export(probe, "span-00");
    long lineBytes = Files.size(tempDir.resolve("probe.jsonl"));
    // room for two lines per file, three files
    SpanExporter exporter = OtlpExporters.jsonLinesSpanExporter(file, 2 * lineBytes + 1, 3);
    for (int i = 0; i < 10; i++) {
      assertThat(export(exporter, String.format("span-%02d", i))).isTrue();
    }

    assertThat(Files.readAllLines(file)).hasSize(2).allSatisfy(l -> assertThat(l)
        .startsWith("{\"resourceSpans\""));
    assertThat(Files.readString(file)).contains("span-08").contains("span-09");
    assertThat(Files.readString(file.resolveSibling("spans.jsonl.1")))
        .contains("span-06").contains("span-07");
    assertThat(Files.readString(file.resolveSibling("spans.jsonl.2")))
        .contains("span-04").contains("span-05");
    assertThat(file.resolveSibling("spans.jsonl.3")).doesNotExist();
    for (Path p : List.of(file, file.resolveSibling("spans.jsonl.1"),
        file.resolveSibling("spans.jsonl.2"))) {
      assertThat(Files.size(p)).isLessThanOrEqualTo(2 * lineBytes + 1);
    }
  }

  @Test
  void oversizedBatch_notWritten_countedAsFailedWithoutOpeningTheCircuit() throws Exception {
    Path file = tempDir.resolve("small.jsonl");
    ExportGuard guard = ExportGuard.builder(Signal.TRACES).setFailureThreshold(1).build();
    SpanExporter exporter = guard.wrap(OtlpExporters.jsonLinesSpanExporter(file, 1000, 2));

    CompletableResultCode result =
        exporter.export(List.of(span("a".repeat(2000)))).join(5, TimeUnit.SECONDS);

    assertThat(result.isSuccess()).isFalse();
    assertThat(Files.size(file)).isZero();
    assertThat(guard.health().dropped(DropReason.EXPORT_FAILED)).isEqualTo(1);
    assertThat(guard.health().failures()).isEqualTo(1);
    assertThat(guard.health().circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(export(exporter, "fits")).isTrue();
    assertThat(guard.health().exported()).isEqualTo(1);
  }

  @Test
  void batchOverTheCap_split_onlyTheOversizedSpanDropped() throws Exception {
    Path file = tempDir.resolve("split.jsonl");
    ExportGuard guard = ExportGuard.builder(Signal.TRACES).setFailureThreshold(1).build();
    SpanExporter exporter = guard.wrap(OtlpExporters.jsonLinesSpanExporter(file, 1000, 2));

    CompletableResultCode result =
        exporter.export(List.of(span("small-1"), span("a".repeat(2000)), span("small-2")))
            .join(5, TimeUnit.SECONDS);

    assertThat(result.isSuccess()).isFalse();
    String text = Files.readString(file);
    assertThat(text).contains("small-1").contains("small-2").doesNotContain("aaaa");
    assertThat(guard.health().exported()).isEqualTo(2);
    assertThat(guard.health().dropped(DropReason.EXPORT_FAILED)).isEqualTo(1);
    assertThat(guard.health().failures()).isEqualTo(1);
    assertThat(guard.health().circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void unwritablePath_failsAtCreationNamingTheFile() throws Exception {
    Path notADirectory = Files.writeString(tempDir.resolve("plain-file"), "x");
    Path file = notADirectory.resolve("spans.jsonl");
    assertThatThrownBy(() -> OtlpExporters.jsonLinesSpanExporter(file))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(file.toString());
  }
}
