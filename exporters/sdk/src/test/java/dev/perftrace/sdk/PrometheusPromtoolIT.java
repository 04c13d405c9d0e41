package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.testing.ExternalBinaries;
import dev.perftrace.testing.Poll;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool check metrics} on the full default PerfTraceSdk exposition (text 0.0.4),
 * runtime metrics included: it parses, and the only lint problems are the three semantic
 * convention names the perftrace-exporter-prometheus README lists (and explains).
 */
@SuppressWarnings("try") // scopes opened only to be current while work is timed
class PrometheusPromtoolIT {

  /** Lint findings the exporter README documents: OpenTelemetry semconv names, kept on purpose. */
  static final List<String> DOCUMENTED_LINT =
      List.of(
          "jvm_class_count non-histogram and non-summary metrics should not have \"_count\" suffix",
          "jvm_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix",
          "jvm_thread_count non-histogram and non-summary metrics should not have \"_count\" suffix");

  @TempDir Path tempDir;

  @Test
  void promtool_defaultSdkExposition_parsesAndFlagsOnlyDocumentedNames() throws Exception {
    Path promtool = ExternalBinaries.require("promtool", "prometheus");
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setServiceName("content-store")
            .setPrometheusPort(0)
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("otlp.jsonl"))
            .setConfigProperties(Map.of("otel.metric.export.interval", "500"))
            .build()) {
      PerfTracer tracer = sdk.tracer("com.example.store");
      try (CorrelationScope request = tracer.correlate("req-1");
          Operation op = tracer.start("store.get")) {
        tracer.recordBytes(Direction.OUT, "peer-a", 512);
      }
      HttpClient http = HttpClient.newHttpClient();
      String body =
          Poll.until(
              "runtime and operation metrics in the scrape",
              Duration.ofSeconds(30),
              () ->
                  http.send(
                          HttpRequest.newBuilder(
                                  URI.create(
                                      "http://127.0.0.1:" + sdk.prometheusPort() + "/metrics"))
                              .timeout(Duration.ofSeconds(10))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body(),
              b -> b.contains("jvm_thread_count") && b.contains("perftrace_operation_duration"));

      Process process =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(body.getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();

      List<String> findings =
          Arrays.stream(output.split("\n"))
              .map(String::trim)
              .filter(l -> !l.isEmpty())
              .sorted()
              .collect(Collectors.toList());
      assertThat(findings).as("promtool output for:\n" + body).isEqualTo(DOCUMENTED_LINT);
      assertThat(process.exitValue()).as("promtool exit code (3 = lint problems only)").isEqualTo(3);
      String readme =
          Files.readString(Path.of("..", "prometheus", "README.md"), StandardCharsets.UTF_8);
      assertThat(readme).as("exporters/prometheus/README.md lists what promtool flags")
          .contains(String.join("\n", DOCUMENTED_LINT));
    }
  }
}
