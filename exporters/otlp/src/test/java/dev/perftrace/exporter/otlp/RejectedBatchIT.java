package dev.perftrace.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.grpc.Status;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A batch the collector rejects as such (gRPC INVALID_ARGUMENT, HTTP 400) counts as a failed
 * export but does not open the circuit: the next batches still go out.
 */
class RejectedBatchIT {

  private static final Duration WAIT = Duration.ofSeconds(15);

  @Test
  void grpcInvalidArgument_fiveBatches_countedFailedCircuitStaysClosed() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.failNext(5, Status.Code.INVALID_ARGUMENT);
      OtlpSettings settings = OtlpSettings.builder().setEndpoint(receiver.endpoint()).build();
      ExportGuard guard = ExportGuard.builder(Signal.TRACES).setFailureThreshold(3).build();
      SpanExporter exporter = guard.wrap(OtlpExporters.spanExporter(settings));
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
              .build()) {
        for (int i = 0; i < 5; i++) {
          provider.get("t").spanBuilder("rejected-" + i).startSpan().end();
          int expected = i + 1;
          Poll.until("failure " + expected, WAIT, () -> guard.health().failures() == expected);
        }
        ExporterHealth health = guard.health();
        assertThat(health.failures()).isEqualTo(5);
        assertThat(health.dropped(DropReason.EXPORT_FAILED)).isEqualTo(5);
        assertThat(health.dropped(DropReason.CIRCUIT_OPEN)).isZero();
        assertThat(health.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(health.consecutiveFailures()).isZero();
        assertThat(health.lastError()).hasValueSatisfying(
            e -> assertThat(e).startsWith("gRPC INVALID_ARGUMENT"));

        provider.get("t").spanBuilder("accepted").startSpan().end();
        Poll.until("accepted span", WAIT, () -> receiver.spans().size() == 1);
        assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("accepted");
        assertThat(guard.health().exported()).isEqualTo(1);
      }
    }
  }

  @Test
  void grpcResourceExhausted_oversizedSpanInThreeBatches_onlyItDroppedCircuitStaysClosed() {
    String oversized = "x".repeat(5 * 1024 * 1024); // over the receiver's 4 MiB message limit
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSettings settings = OtlpSettings.builder().setEndpoint(receiver.endpoint()).build();
      ExportGuard guard = ExportGuard.builder(Signal.TRACES).setFailureThreshold(3).build();
      BatchSpanProcessor processor =
          BatchSpanProcessor.builder(guard.wrap(OtlpExporters.spanExporter(settings)))
              // Not only forceFlush: a forceFlush called while the worker is finishing the previous
              // one returns that one's result and flushes nothing (BatchSpanProcessor, 1.59-1.68).
              .setScheduleDelay(Duration.ofMillis(100))
              .build();
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
        List<String> innocent = new ArrayList<>();
        for (int batch = 0; batch < 3; batch++) {
          for (int i = 0; i < 9; i++) {
            String name = "innocent-" + batch + "-" + i;
            innocent.add(name);
            provider.get("t").spanBuilder(name).startSpan().end();
            if (i == 4) {
              provider.get("t").spanBuilder("oversized-" + batch)
                  .setAttribute("payload", oversized).startSpan().end();
            }
          }
          processor.forceFlush();
          int expectedFailures = batch + 1;
          Poll.until("batch " + batch, WAIT, guard::health,
              h -> h.failures() == expectedFailures && h.exported() == 9L * expectedFailures);
        }
        ExporterHealth health = guard.health();
        assertThat(health.failures()).isEqualTo(3);
        assertThat(health.dropped(DropReason.EXPORT_FAILED)).isEqualTo(3);
        assertThat(health.droppedTotal()).isEqualTo(3);
        assertThat(health.exported()).isEqualTo(27);
        assertThat(health.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.consecutiveFailures()).isZero();
        assertThat(health.lastError()).hasValueSatisfying(
            e -> assertThat(e).startsWith("gRPC RESOURCE_EXHAUSTED"));
        assertThat(receiver.spans()).hasSize(27);
        assertThat(receiver.spans()).extracting(ReceivedSpan::name)
            .containsExactlyInAnyOrderElementsOf(innocent);

        provider.get("t").spanBuilder("later").startSpan().end();
        processor.forceFlush();
        Poll.until("later span", WAIT, () -> receiver.spans().size(), n -> n == 28);
        assertThat(receiver.spans().get(27).name()).isEqualTo("later");
        // the receiver stores the span before the exporter has its answer
        Poll.until("later span counted", WAIT, () -> guard.health().exported(), n -> n == 28);
        assertThat(guard.health().state()).isEqualTo(HealthState.UP);
      }
    }
  }

  @Tag("otlp-http") // needs opentelemetry-exporter-sender-jdk of the line under test
  @Test
  void httpBadRequest_fourBatches_countedFailedCircuitStaysClosed() throws IOException {
    AtomicInteger requests = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          requests.incrementAndGet();
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(400, -1);
          exchange.close();
        });
    server.start();
    try {
      OtlpSettings settings =
          OtlpSettings.builder()
              .setProtocol(OtlpProtocol.HTTP_PROTOBUF)
              .setEndpoint(
                  "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces")
              .build();
      ExportGuard guard = ExportGuard.builder(Signal.TRACES).setFailureThreshold(2).build();
      SpanExporter exporter = guard.wrap(OtlpExporters.spanExporter(settings));
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
              .build()) {
        for (int i = 0; i < 4; i++) {
          provider.get("t").spanBuilder("rejected-" + i).startSpan().end();
          int expected = i + 1;
          Poll.until("failure " + expected, WAIT, () -> guard.health().failures() == expected);
        }
      }
      ExporterHealth health = guard.health();
      assertThat(requests.get()).isEqualTo(4);
      assertThat(health.failures()).isEqualTo(4);
      assertThat(health.dropped(DropReason.EXPORT_FAILED)).isEqualTo(4);
      assertThat(health.dropped(DropReason.CIRCUIT_OPEN)).isZero();
      assertThat(health.circuitState()).isEqualTo(CircuitState.CLOSED);
      assertThat(health.lastError()).hasValue("HTTP 400");
    } finally {
      server.stop(0);
    }
  }
}
