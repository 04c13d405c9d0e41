package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.testing.ExternalBinaries;
import dev.perftrace.testing.Poll;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline OTLP-JSON lines file (SDK with no endpoint) replayed with
 * scripts/replay-otlp-jsonl.sh into the agent collector's OTLP/HTTP receiver ends up in Jaeger,
 * trace for trace.
 */
@SuppressWarnings("try")
class ReplayIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tempDir;

  @Test
  void offlineFile_replayedThroughTheAgent_everyTraceInJaeger() throws Exception {
    ExternalBinaries.require("curl", "curl"); // the replay script's HTTP client
    Path file = tempDir.resolve("perftrace-otlp.jsonl");
    String run = UUID.randomUUID().toString();
    List<String> ids = List.of("replay-1-" + run, "replay-2-" + run, "replay-3-" + run);
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setServiceName("replay-app")
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setOtlpFile(file)
            .setConfigProperties(Map.of("otel.bsp.schedule.delay", "50"))
            .build()) {
      PerfTracer tracer = sdk.tracer("com.example.replay");
      for (String id : ids) {
        try (CorrelationScope request = tracer.correlate(id);
            Operation outer = tracer.start("replay.outer")) {
          try (Operation inner = tracer.start("replay.inner")) {
            // timed
          }
        }
      }
      assertThat(sdk.forceFlush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(Files.readAllLines(file)).anyMatch(l -> l.contains("\"resourceSpans\""));

    try (RunningStack stack = RunningStack.start()) {
      Process replay =
          new ProcessBuilder(
                  ConfigFiles.root().resolveSibling("scripts/replay-otlp-jsonl.sh").toString(),
                  file.toString(),
                  "http://127.0.0.1:" + stack.otlpHttpPort)
              .redirectErrorStream(true)
              .start();
      assertThat(replay.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(replay.getInputStream().readAllBytes());
      assertThat(replay.exitValue()).as(output).isZero();
      assertThat(output).startsWith("replayed ");

      for (String id : ids) {
        JsonNode traces =
            Poll.until(
                "replayed trace " + id + " in Jaeger",
                WAIT,
                () -> stack.jaegerGet(RunningStack.tracesByCorrelationId("replay-app", id)),
                t -> t.size() == 1 && t.get(0).path("spans").size() == 2);
        assertThat(traces).hasSize(1);
        JsonNode spans = traces.get(0).path("spans");
        assertThat(spans).hasSize(2);
        assertThat(List.of(
                spans.get(0).path("operationName").asText(),
                spans.get(1).path("operationName").asText()))
            .containsExactlyInAnyOrder("replay.outer", "replay.inner");
        for (JsonNode s : spans) {
          assertThat(RunningStack.tag(s, "perftrace.correlation_id")).isEqualTo(id);
        }
      }
    }
  }
}
