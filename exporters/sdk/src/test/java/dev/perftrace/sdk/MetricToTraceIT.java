package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One PerfTraceSdk, a real OTLP/gRPC receiver and a real Prometheus server: metric to trace. */
@SuppressWarnings("try") // scopes opened only to be current while work is timed
class MetricToTraceIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tempDir;

  private PerfTraceSdk sdk(OtlpGrpcReceiver receiver) {
    return PerfTraceSdk.builder()
        .setServiceName("content-store")
        .setPrometheusPort(0)
        .setShutdownHook(false)
        .setOtlpFile(tempDir.resolve("unused.jsonl"))
        .setConfigProperties(
            Map.of(
                "otel.exporter.otlp.endpoint", receiver.endpoint(),
                "otel.bsp.schedule.delay", "50",
                "otel.metric.export.interval", "500"))
        .build();
  }

  @Test
  void correlatedOperation_spanArrivesWithCorrelationIdAndOperationName() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(receiver)) {
      PerfTracer tracer = sdk.tracer("com.example.store");
      try (CorrelationScope request = tracer.correlate("req-99");
          Operation op = tracer.start("store.get")) {
        tracer.recordBytes(dev.perftrace.Direction.OUT, "peer-a", 512);
      }

      ReceivedSpan span =
          Poll.until("store.get span", WAIT, receiver::spans, s -> !s.isEmpty()).get(0);
      assertThat(span.name()).isEqualTo("store.get");
      assertThat(span.scopeName()).isEqualTo("com.example.store");
      assertThat(span.attribute("perftrace.correlation_id")).isEqualTo("req-99");
      assertThat(span.attribute("perftrace.operation.name")).isEqualTo("store.get");
      assertThat(span.attribute("perftrace.bytes.sent")).isEqualTo("512");
      assertThat(span.resourceAttributes()).containsEntry("service.name", "content-store");
    }
  }

  @Test
  void prometheusEndpoint_scrape_servesOperationAndSelfMetrics() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(receiver)) {
      PerfTracer tracer = sdk.tracer("com.example.store");
      try (Operation op = tracer.start("store.put")) {
        // timed
      }

      String body = scrape(sdk.prometheusPort());
      assertThat(sdk.prometheusPort()).isPositive();
      assertThat(body)
          .contains("perftrace_operation_duration_seconds_count{")
          .contains("perftrace_operation_name=\"store.put\"")
          .contains("perftrace_exporter_state{")
          .contains("jvm_thread_count");
    }
  }

  @Test
  void exemplar_fromRealPrometheus_carriesTraceIdTheOtlpReceiverReceived() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(receiver)) {
      PerfTracer tracer = sdk.tracer("com.example.store");
      try (PrometheusServer prometheus =
          PrometheusServer.builder()
              .addTarget("127.0.0.1:" + sdk.prometheusPort())
              .start()) {
        prometheus.awaitTargetsUp(WAIT);

        List<String> exemplarTraceIds =
            Poll.until(
                "an exemplar on perftrace_operation_duration_seconds_bucket",
                WAIT,
                () -> {
                  try (CorrelationScope request = tracer.correlate();
                      Operation op = tracer.start("store.get")) {
                    // one timed, sampled operation per poll until Prometheus stored an exemplar
                  }
                  return traceIds(
                      prometheus.queryExemplars("perftrace_operation_duration_seconds_bucket"));
                },
                ids -> !ids.isEmpty());

        Set<String> received =
            Poll.until(
                "the exemplar's trace at the OTLP receiver",
                WAIT,
                () -> receiver.spans().stream().map(ReceivedSpan::traceId)
                    .collect(Collectors.toSet()),
                ids -> ids.contains(exemplarTraceIds.get(0)));
        assertThat(received).contains(exemplarTraceIds.get(0));
        ReceivedSpan span =
            receiver.spans().stream()
                .filter(s -> s.traceId().equals(exemplarTraceIds.get(0)))
                .findFirst()
                .orElseThrow();
        assertThat(span.name()).isEqualTo("store.get");
        assertThat(span.attribute("perftrace.correlation_id")).isNotBlank();
      }
    }
  }

  private static List<String> traceIds(JsonNode data) {
    List<String> ids = new ArrayList<>();
    for (JsonNode series : data) {
      for (JsonNode exemplar : series.path("exemplars")) {
        String id = exemplar.path("labels").path("trace_id").asText();
        if (!id.isEmpty()) {
          ids.add(id);
        }
      }
    }
    return ids;
  }

  private static String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void collectorDown_manyOperations_callerNeverBlockedThenHealthRecovers() {
    int port;
    try (OtlpGrpcReceiver probe = OtlpGrpcReceiver.start()) {
      port = probe.port();
    }
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("unused.jsonl"))
            .setConfigProperties(
                Map.of(
                    "otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + port,
                    "otel.metrics.exporter", "none",
                    "otel.exporter.otlp.timeout", "2000",
                    "otel.bsp.schedule.delay", "50",
                    "otel.bsp.max.queue.size", "512",
                    "perftrace.exporter.circuit.failure.threshold", "2",
                    "perftrace.exporter.circuit.cooldown", "300ms"))
            .build()) {
      PerfTracer tracer = sdk.tracer("com.example.store");
      int total = 20_000;
      long slowest = 0;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long t0 = System.nanoTime();
        try (Operation op = tracer.start("store.get")) {
          tracer.recordBytes(dev.perftrace.Direction.IN, "peer-a", 100);
        }
        slowest = Math.max(slowest, System.nanoTime() - t0);
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(elapsed).isLessThan(Duration.ofSeconds(10));
      // A caller held up by the exporter would wait at least its 2 s timeout; 1 s leaves room
      // for GC and scheduling pauses on a loaded 2-core machine (200 ms was flaky).
      assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1));
      Poll.until("every span counted as dropped", WAIT,
          () -> sdk.health().get(dev.perftrace.exporter.otlp.Signal.TRACES).droppedTotal()
              == total);
      assertThat(sdk.health().get(dev.perftrace.exporter.otlp.Signal.TRACES).state())
          .isEqualTo(dev.perftrace.exporter.otlp.HealthState.DOWN);

      // The collector comes back on the port it left (the exporter points there); another
      // process may hold it for a moment: the bind is retried until the deadline.
      try (OtlpGrpcReceiver receiver =
          Poll.until("a receiver bound again on port " + port, WAIT,
              () -> OtlpGrpcReceiver.start(port), r -> true)) {
        Poll.until(
            "a new span after the collector came back",
            WAIT,
            () -> {
              try (CorrelationScope request = tracer.correlate("back-1");
                  Operation op = tracer.start("after.recovery")) {
                // timed
              }
              return receiver.spans().stream()
                  .anyMatch(s -> s.name().equals("after.recovery")
                      && "back-1".equals(s.attribute("perftrace.correlation_id")));
            });
        Poll.until("health UP", WAIT,
            () -> sdk.health().get(dev.perftrace.exporter.otlp.Signal.TRACES).state()
                == dev.perftrace.exporter.otlp.HealthState.UP);
      }
    }
  }
}
