package dev.perftrace.collectorconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.sdk.PerfTraceSdk;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with real processes: two PerfTraceSdk instances (client over OTLP/gRPC, peer over
 * OTLP/HTTP) export to otelcol-perftrace running the shipped agent.yaml unchanged, which sends
 * traces to a real Jaeger v2 and exposes metrics that a real Prometheus scrapes.
 */
@SuppressWarnings("try") // scopes opened only to be current while work is timed
class AgentEndToEndIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tempDir;

  private PerfTraceSdk sdk(
      String service, String endpoint, String protocol, String metricExportInterval) {
    return PerfTraceSdk.builder()
        .setServiceName(service)
        .setPrometheusEnabled(false)
        .setShutdownHook(false)
        .setOtlpFile(tempDir.resolve(service + "-unused.jsonl"))
        .setConfigProperties(
            Map.of(
                "otel.exporter.otlp.endpoint", endpoint,
                "otel.exporter.otlp.protocol", protocol,
                "otel.bsp.schedule.delay", "50",
                "otel.metric.export.interval", metricExportInterval))
        .build();
  }

  @Test
  void clientAndPeer_throughTheAgent_oneTraceInJaeger_histogramInPrometheus_exemplarResolves() {
    String correlationId = "e2e-" + UUID.randomUUID();
    try (RunningStack stack = RunningStack.start();
        PerfTraceSdk client =
            // An exemplar lives in the collector's exposition only until the next export of its
            // series (the SDK's reservoir is per collection), so the client exports every 5 s
            // and Prometheus, scraping every second, sees it between two exports.
            sdk("e2e-client", "http://127.0.0.1:" + stack.otlpGrpcPort, "grpc", "5000");
        PerfTraceSdk peer =
            sdk("e2e-peer", "http://127.0.0.1:" + stack.otlpHttpPort, "http/protobuf", "500");
        PrometheusServer prometheus =
            PrometheusServer.builder()
                .addTarget("127.0.0.1:" + stack.collectorPrometheusPort)
                .start()) {
      PerfTracer clientTracer = client.tracer("com.example.client");
      PerfTracer peerTracer = peer.tracer("com.example.peer");

      Map<String, String> headers = new HashMap<>();
      try (CorrelationScope request = clientTracer.correlate(correlationId);
          Operation fetch = clientTracer.start("client.fetch")) {
        clientTracer.recordBytes(Direction.OUT, "e2e-peer", 128);
        clientTracer.inject(headers);
        try (CorrelationScope served = peerTracer.extract(headers);
            Operation serve = peerTracer.start("peer.serve")) {
          peerTracer.recordBytes(Direction.OUT, "disk", 4096);
        }
      }
      // Exact durations for the histogram assertion, outside any trace.
      peerTracer.recordDuration("peer.step", Duration.ofMillis(250));
      peerTracer.recordDuration("peer.step", Duration.ofMillis(500));
      peerTracer.recordDuration("peer.step", Duration.ofMillis(750));
      // Not flushed or asserted: forceFlush answers false here although both exporters report
      // UP with every export successful (noted for the SDK's owner); arrival is polled below.
      // The client is not flushed at all: a flush export followed by the next periodic export
      // (without the exemplar, the reservoir being per collection) within the collector's 1 s
      // batch would replace the exemplar before any scrape.
      peer.forceFlush(Duration.ofSeconds(10));

      // The trace, found in Jaeger by its correlation ID.
      JsonNode traces =
          Poll.until(
              "the trace of " + correlationId + " with both spans in Jaeger",
              WAIT,
              () -> stack.jaegerGet(RunningStack.tracesByCorrelationId("e2e-client", correlationId)),
              t -> t.size() == 1 && t.get(0).path("spans").size() >= 2);
      assertThat(traces).hasSize(1);
      JsonNode trace = traces.get(0);
      JsonNode spans = trace.path("spans");
      assertThat(spans).hasSize(2);
      JsonNode fetchSpan = span(spans, "client.fetch");
      JsonNode serveSpan = span(spans, "peer.serve");
      assertThat(RunningStack.serviceOf(trace, fetchSpan)).isEqualTo("e2e-client");
      assertThat(RunningStack.serviceOf(trace, serveSpan)).isEqualTo("e2e-peer");
      assertThat(serveSpan.path("traceID").asText()).isEqualTo(fetchSpan.path("traceID").asText());
      assertThat(serveSpan.path("references").get(0).path("refType").asText())
          .isEqualTo("CHILD_OF");
      assertThat(serveSpan.path("references").get(0).path("spanID").asText())
          .isEqualTo(fetchSpan.path("spanID").asText());
      for (JsonNode s : List.of(fetchSpan, serveSpan)) {
        assertThat(RunningStack.tag(s, "perftrace.correlation_id")).isEqualTo(correlationId);
        assertThat(RunningStack.tag(s, "error")).as("error tag of %s", s).isNull();
      }
      assertThat(RunningStack.tag(fetchSpan, "perftrace.operation.name")).isEqualTo("client.fetch");
      assertThat(RunningStack.tag(fetchSpan, "perftrace.bytes.sent")).isEqualTo("128");
      assertThat(RunningStack.tag(serveSpan, "perftrace.operation.name")).isEqualTo("peer.serve");
      assertThat(RunningStack.tag(serveSpan, "perftrace.bytes.sent")).isEqualTo("4096");

      // The histogram, queried from Prometheus scraping the collector.
      prometheus.awaitTargetsUp(WAIT);
      String step = "perftrace_operation_name=\"peer.step\"";
      assertThat(
              prometheus.awaitValue(
                  "sum(perftrace_operation_duration_seconds_count{" + step + "})", WAIT))
          .isEqualTo(3.0);
      Poll.until(
          "the peer.step sum in Prometheus",
          WAIT,
          () -> prometheus.value("sum(perftrace_operation_duration_seconds_sum{" + step + "})"),
          v -> v.isPresent() && Math.abs(v.getAsDouble() - 1.5) < 1e-9);
      assertThat(
              prometheus.value(
                  "sum(perftrace_operation_duration_seconds_bucket{" + step + ",le=\"+Inf\"})"))
          .hasValue(3.0);

      // An exemplar's trace ID resolves in Jaeger.
      List<String> exemplarTraceIds =
          Poll.until(
              "an exemplar on the client.fetch histogram",
              WAIT,
              () ->
                  traceIds(
                      prometheus.queryExemplars(
                          "perftrace_operation_duration_seconds_bucket{perftrace_operation_name=\"client.fetch\"}")),
              ids -> !ids.isEmpty());
      assertThat(exemplarTraceIds).containsOnly(fetchSpan.path("traceID").asText());
      JsonNode byId = stack.jaegerGet("/api/traces/" + exemplarTraceIds.get(0));
      assertThat(byId).hasSize(1);
      assertThat(byId.get(0).path("spans")).hasSize(2);
    }
  }

  private static JsonNode span(JsonNode spans, String operation) {
    List<JsonNode> found = new ArrayList<>();
    spans.forEach(s -> {
      if (operation.equals(s.path("operationName").asText())) {
        found.add(s);
      }
    });
    assertThat(found).as(operation + " in " + spans).hasSize(1);
    return found.get(0);
  }

  static List<String> traceIds(JsonNode data) {
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
}
