package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.testing.BackendProcess;
import dev.perftrace.testing.Backends;
import dev.perftrace.testing.ExternalBinaries;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline OTLP-JSON lines file (SDK with no endpoint) replayed into the agent collector ends
 * up in Jaeger, trace for trace: read by the real {@code otlpjsonfile} receiver (shipped
 * replay.yaml on otelcol-perftrace-gateway), and posted line by line with
 * scripts/replay-otlp-jsonl.sh to the agent's OTLP/HTTP receiver.
 */
@SuppressWarnings("try")
class ReplayIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SERVICE = "replay-app";

  @TempDir Path tempDir;

  /** Records three two-span traces into an offline file; returns their correlation IDs. */
  private List<String> recordOffline(Path file) {
    String run = UUID.randomUUID().toString();
    List<String> ids = List.of("replay-1-" + run, "replay-2-" + run, "replay-3-" + run);
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setServiceName(SERVICE)
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
    return ids;
  }

  private static void assertEveryTraceInJaeger(RunningStack stack, List<String> ids) {
    assertThat(ids).hasSize(3);
    for (String id : ids) {
      JsonNode traces =
          Poll.until(
              "replayed trace " + id + " in Jaeger",
              WAIT,
              () -> stack.jaegerGet(RunningStack.tracesByCorrelationId(SERVICE, id)),
              t -> t.size() == 1 && t.get(0).path("spans").size() == 2);
      assertThat(traces).hasSize(1);
      JsonNode spans = traces.get(0).path("spans");
      assertThat(spans).hasSize(2);
      List<String> names = new ArrayList<>();
      for (JsonNode s : spans) {
        names.add(s.path("operationName").asText());
        assertThat(RunningStack.tag(s, "perftrace.correlation_id")).isEqualTo(id);
      }
      assertThat(names).containsExactlyInAnyOrder("replay.outer", "replay.inner");
    }
  }

  @Test
  void offlineFile_readByTheOtlpJsonFileReceiver_everyTraceInJaeger() throws Exception {
    Path collector = Backends.requireGatewayCollector();
    Path file = tempDir.resolve("perftrace-otlp.jsonl");
    List<String> ids = recordOffline(file);
    assertThat(Files.readAllLines(file)).anyMatch(l -> l.contains("\"resourceSpans\""));

    try (RunningStack stack = RunningStack.start()) {
      try (BackendProcess replay =
          BackendProcess.start(
              "otelcol-perftrace-gateway",
              collector,
              ConfigFiles.resolve("otelcol/replay.yaml"),
              () -> {
                Map<String, String> env = new LinkedHashMap<>();
                int health = PrometheusServer.freePort();
                env.put("PERFTRACE_REPLAY_FILES", tempDir + "/perftrace-otlp.jsonl*");
                env.put("PERFTRACE_REPLAY_TARGET", "127.0.0.1:" + stack.otlpGrpcPort);
                env.put("PERFTRACE_REPLAY_HEALTH_ENDPOINT", "127.0.0.1:" + health);
                env.put("PERFTRACE_REPLAY_TELEMETRY_HOST", "127.0.0.1");
                env.put(
                    "PERFTRACE_REPLAY_TELEMETRY_PORT",
                    Integer.toString(PrometheusServer.freePort()));
                return new BackendProcess.Launch(
                    env, URI.create("http://127.0.0.1:" + health + "/"));
              })) {
        assertEveryTraceInJaeger(stack, ids);
        assertThat(replay.isAlive()).isTrue();
      }
    }
  }

  @Test
  void offlineFile_postedByTheReplayScript_everyTraceInJaeger() throws Exception {
    ExternalBinaries.require("curl", "curl"); // the replay script's HTTP client
    Path file = tempDir.resolve("perftrace-otlp.jsonl");
    List<String> ids = recordOffline(file);
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
      assertEveryTraceInJaeger(stack, ids);
    }
  }
}
