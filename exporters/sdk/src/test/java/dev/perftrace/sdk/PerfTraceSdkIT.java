package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.exporter.otlp.CircuitState;
import dev.perftrace.exporter.otlp.ExporterHealth;
import dev.perftrace.exporter.otlp.HealthState;
import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.OtlpHttpReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfTraceSdkIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tempDir;

  private PerfTraceSdk sdk(Map<String, String> properties) {
    Map<String, String> all = new HashMap<>();
    all.put("otel.bsp.schedule.delay", "50");
    all.put("otel.metric.export.interval", "200");
    all.putAll(properties);
    return PerfTraceSdk.builder()
        .setServiceName("content-store")
        .setResourceAttribute("deployment.environment.name", "test")
        .setPrometheusEnabled(false)
        .setShutdownHook(false)
        .setOtlpFile(tempDir.resolve("unused.jsonl"))
        .setConfigProperties(all)
        .build();
  }

  @Test
  @SuppressWarnings("try") // the baggage scope is only made current
  void build_grpcEndpoint_foreignSpanCarriesCorrelationIdAndResource() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(Map.of("otel.exporter.otlp.endpoint", receiver.endpoint()))) {
      String traceId;
      Baggage baggage = Baggage.builder().put("perftrace.correlation_id", "req-7").build();
      try (Scope ignored = baggage.makeCurrent()) {
        Span span = sdk.openTelemetry().getTracer("foreign.lib").spanBuilder("db.query").startSpan();
        traceId = span.getSpanContext().getTraceId();
        span.end();
      }

      ReceivedSpan received =
          Poll.until("span", WAIT, () -> receiver.spans(), s -> !s.isEmpty()).get(0);
      assertThat(received.name()).isEqualTo("db.query");
      assertThat(received.traceId()).isEqualTo(traceId);
      assertThat(received.attribute("perftrace.correlation_id")).isEqualTo("req-7");
      assertThat(received.resourceAttributes())
          .containsEntry("service.name", "content-store")
          .containsEntry("deployment.environment.name", "test");
    }
  }

  @Test
  void build_grpcEndpoint_runtimeAndSelfMetricsArrive() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(Map.of("otel.exporter.otlp.endpoint", receiver.endpoint()))) {
      sdk.openTelemetry().getTracer("t").spanBuilder("one").startSpan().end();

      Set<String> names =
          Poll.until(
              "runtime and self metrics",
              WAIT,
              receiver::metricNames,
              n -> n.contains("perftrace.exporter.exported") && n.contains("jvm.thread.count"));
      assertThat(names)
          .contains(
              "jvm.cpu.recent_utilization",
              "jvm.memory.used",
              "jvm.memory.limit",
              "jvm.thread.count",
              "perftrace.exporter.state",
              "perftrace.exporter.circuit.state",
              "perftrace.exporter.exported",
              "perftrace.exporter.dropped",
              "perftrace.exporter.failures");
      Poll.until(
          "one span counted as exported",
          WAIT,
          () -> latest(receiver, "perftrace.exporter.exported", Map.of(
              "perftrace.exporter.signal", "traces")),
          v -> v.isPresent() && v.get() == 1L);
      assertThat(latest(receiver, "perftrace.exporter.state",
              Map.of("perftrace.exporter.signal", "traces")))
          .contains(2L);
    }
  }

  @Tag("otlp-http") // needs opentelemetry-exporter-sender-jdk of the line under test
  @Test
  void build_httpProtocol_appendsSignalPathAndSpansArrive() {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
        PerfTraceSdk sdk =
            sdk(
                Map.of(
                    "otel.exporter.otlp.endpoint", receiver.endpoint(),
                    "otel.exporter.otlp.protocol", "http/protobuf",
                    "otel.exporter.otlp.compression", "gzip",
                    "otel.exporter.otlp.headers", "x-api-key=abc%3D123"))) {
      sdk.openTelemetry().getTracer("t").spanBuilder("over-http").startSpan().end();

      Poll.until("span over HTTP", WAIT,
          () -> receiver.spans().stream().anyMatch(s -> s.name().equals("over-http")));
      assertThat(receiver.requestHeaders().get(0))
          .containsEntry("x-api-key", "abc=123")
          .containsEntry("content-encoding", "gzip");
      assertThat(sdk.toString()).doesNotContain("abc=123").doesNotContain("abc%3D123");
    }
  }

  @Test
  void build_noEndpoint_writesOtlpJsonLinesFile() throws Exception {
    Path file = tempDir.resolve("perftrace-otlp.jsonl");
    String traceId;
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setServiceName("offline-app")
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setOtlpFile(file)
            .build()) {
      Span span = sdk.openTelemetry().getTracer("t").spanBuilder("offline.op").startSpan();
      traceId = span.getSpanContext().getTraceId();
      span.end();
    }

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).anySatisfy(
        line -> assertThat(line).contains("\"resourceSpans\"").contains("\"offline.op\"")
            .contains("\"traceId\":\"" + traceId + "\"").contains("offline-app"));
    assertThat(lines).anySatisfy(
        line -> assertThat(line).contains("\"resourceMetrics\"").contains("jvm.thread.count"));
  }

  @Test
  void health_tracesCollectorDown_goesDownAndSelfMetricsSayWhy() {
    int deadPort;
    try (OtlpGrpcReceiver probe = OtlpGrpcReceiver.start()) {
      deadPort = probe.port();
    }
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk =
            sdk(
                Map.of(
                    "otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + deadPort,
                    "otel.exporter.otlp.metrics.endpoint", receiver.endpoint(),
                    "otel.exporter.otlp.timeout", "500",
                    "perftrace.exporter.circuit.failure.threshold", "1",
                    "perftrace.exporter.circuit.cooldown", "60s"))) {
      for (int i = 0; i < 100; i++) {
        sdk.openTelemetry().getTracer("t").spanBuilder("lost").startSpan().end();
      }

      ExporterHealth traces =
          Poll.until("traces DOWN", WAIT, () -> sdk.health().get(Signal.TRACES),
              h -> h.state() == HealthState.DOWN);
      assertThat(traces.circuitState()).isEqualTo(CircuitState.OPEN);
      assertThat(traces.consecutiveFailures()).isEqualTo(1);
      assertThat(traces.lastError())
          .hasValueSatisfying(e -> assertThat(e).startsWith("gRPC UNAVAILABLE"));
      assertThat(sdk.health(Signal.METRICS).map(ExporterHealth::state)).contains(HealthState.UP);
      Poll.until("state gauge 0 for traces", WAIT,
          () -> latest(receiver, "perftrace.exporter.state",
              Map.of("perftrace.exporter.signal", "traces")),
          v -> v.equals(Optional.of(0L)));
      Poll.until("circuit gauge 2 for traces", WAIT,
          () -> latest(receiver, "perftrace.exporter.circuit.state",
              Map.of("perftrace.exporter.signal", "traces")),
          v -> v.equals(Optional.of(2L)));
      Poll.until("all 100 spans counted as dropped", WAIT,
          () -> sdk.health().get(Signal.TRACES).droppedTotal() == 100);
      assertThat(sdk.health().get(Signal.TRACES).exported()).isZero();
    }
  }

  @Test
  void close_boundedRun_everySpanReachesReceiver() {
    int total = 3_000;
    Set<String> sent = new HashSet<>();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      PerfTraceSdk sdk =
          sdk(Map.of(
              "otel.exporter.otlp.endpoint", receiver.endpoint(),
              "otel.bsp.schedule.delay", "5000",
              "otel.bsp.max.queue.size", "4096"));
      for (int i = 0; i < total; i++) {
        Span span = sdk.openTelemetry().getTracer("t").spanBuilder("bounded").startSpan();
        sent.add(span.getSpanContext().getSpanId());
        span.end();
      }

      sdk.close();

      Set<String> received = new HashSet<>();
      receiver.spans().forEach(s -> received.add(s.spanId()));
      assertThat(receiver.spans()).hasSize(total);
      assertThat(received).isEqualTo(sent);
      assertThat(sdk.health().get(Signal.TRACES).exported()).isEqualTo(total);
      assertThat(sdk.health().get(Signal.TRACES).droppedTotal()).isZero();
    }
  }

  /** Returns the value of the last point of {@code name} whose attributes include {@code attrs}. */
  static Optional<Long> latest(OtlpGrpcReceiver receiver, String name, Map<String, String> attrs) {
    Long value = null;
    for (Metric metric : receiver.metrics()) {
      if (!metric.getName().equals(name)) {
        continue;
      }
      List<NumberDataPoint> points =
          metric.hasSum() ? metric.getSum().getDataPointsList() : metric.getGauge().getDataPointsList();
      for (NumberDataPoint point : points) {
        Map<String, String> pointAttrs = new HashMap<>();
        for (KeyValue kv : point.getAttributesList()) {
          pointAttrs.put(kv.getKey(), kv.getValue().getStringValue());
        }
        if (pointAttrs.entrySet().containsAll(attrs.entrySet())) {
          value = point.getAsInt();
        }
      }
    }
    return Optional.ofNullable(value);
  }
}
