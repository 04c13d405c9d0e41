package dev.perftrace.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.util.JsonFormat;
import dev.perftrace.testing.ClosedPort;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.OtlpHttpReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import dev.perftrace.testing.otlp.ReceiverBehavior;
import dev.perftrace.testing.otlp.SelfSignedCertificate;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OtlpExportersIT {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final AttributeKey<String> CORRELATION =
      AttributeKey.stringKey("perftrace.correlation_id");

  @TempDir Path tempDir;

  @Test
  void grpcSpanExporter_spans_arriveWithNameAttributesAndTraceId() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSettings settings = OtlpSettings.builder().setEndpoint(receiver.endpoint()).build();
      String traceId;
      try (SdkTracerProvider provider = tracerProvider(OtlpExporters.spanExporter(settings))) {
        Span span =
            provider
                .get("dev.perftrace.test")
                .spanBuilder("store.get")
                .setAttribute(CORRELATION, "req-42")
                .startSpan();
        traceId = span.getSpanContext().getTraceId();
        span.end();
      }

      ReceivedSpan received = receiver.spans().get(0);
      assertThat(receiver.spans()).hasSize(1);
      assertThat(received.name()).isEqualTo("store.get");
      assertThat(received.traceId()).isEqualTo(traceId);
      assertThat(received.attribute("perftrace.correlation_id")).isEqualTo("req-42");
      assertThat(received.scopeName()).isEqualTo("dev.perftrace.test");
      assertThat(received.resourceAttributes()).containsEntry("service.name", "otlp-it");
    }
  }

  @Test
  void grpcMetricExporter_counter_arrivesWithNameAndValue() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSettings settings = OtlpSettings.builder().setEndpoint(receiver.endpoint()).build();
      recordCounter(OtlpExporters.metricExporter(settings), 7);

      Metric metric = receiver.metrics().get(0);
      assertThat(receiver.metricNames()).containsExactly("perftrace.test.requests");
      assertThat(metric.getSum().getDataPoints(0).getAsInt()).isEqualTo(7);
      assertThat(metric.getSum().getDataPoints(0).getAttributes(0).getValue().getStringValue())
          .isEqualTo("memory");
    }
  }

  @Test
  void grpcSpanExporter_headersAndGzip_reachReceiver() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSettings settings =
          OtlpSettings.builder()
              .setEndpoint(receiver.endpoint())
              .putHeader("X-Api-Key", "key-123")
              .setCompression("gzip")
              .build();
      try (SdkTracerProvider provider = tracerProvider(OtlpExporters.spanExporter(settings))) {
        provider.get("t").spanBuilder("compressed").startSpan().end();
      }

      Map<String, String> headers = receiver.requestHeaders().get(0);
      assertThat(headers).containsEntry("x-api-key", "key-123");
      assertThat(headers).containsEntry("grpc-encoding", "gzip");
      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("compressed");
    }
  }

  @Test
  void grpcSpanExporter_tlsWithCustomCa_spansArrive() {
    SelfSignedCertificate certificate = certificate();
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.startTls(certificate.certificatePem(), certificate.privateKeyPem())) {
      OtlpSettings settings =
          OtlpSettings.builder()
              .setEndpoint(receiver.endpoint())
              .setTrustedCertificatesPem(certificate.certificatePem())
              .build();
      try (SdkTracerProvider provider = tracerProvider(OtlpExporters.spanExporter(settings))) {
        provider.get("t").spanBuilder("over-tls").startSpan().end();
      }

      assertThat(receiver.endpoint()).startsWith("https://localhost:");
      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("over-tls");
    }
  }

  @Test
  void grpcSpanExporter_tlsWithoutTheCa_failsAndHealthRecordsIt() {
    SelfSignedCertificate certificate = certificate();
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.startTls(certificate.certificatePem(), certificate.privateKeyPem())) {
      OtlpSettings settings =
          OtlpSettings.builder()
              .setEndpoint(receiver.endpoint())
              .setTimeout(Duration.ofSeconds(3))
              .build();
      ExportGuard guard = ExportGuard.builder(Signal.TRACES).build();
      try (SdkTracerProvider provider =
          tracerProvider(guard.wrap(OtlpExporters.spanExporter(settings)))) {
        provider.get("t").spanBuilder("untrusted").startSpan().end();
      }

      assertThat(receiver.spans()).isEmpty();
      assertThat(guard.health().failures()).isEqualTo(1);
      assertThat(guard.health().dropped(DropReason.EXPORT_FAILED)).isEqualTo(1);
      assertThat(guard.health().lastError())
          .hasValueSatisfying(e -> assertThat(e).startsWith("gRPC UNAVAILABLE"));
    }
  }

  @Tag("otlp-http") // needs opentelemetry-exporter-sender-jdk of the line under test
  @Test
  void httpSpanExporter_gzipSpans_arriveWithNameAndTraceId() {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      OtlpSettings settings =
          OtlpSettings.builder()
              .setProtocol(OtlpProtocol.HTTP_PROTOBUF)
              .setEndpoint(receiver.endpoint() + "/v1/traces")
              .setCompression("gzip")
              .putHeader("authorization", "Bearer t0ken")
              .build();
      String traceId;
      try (SdkTracerProvider provider = tracerProvider(OtlpExporters.spanExporter(settings))) {
        Span span = provider.get("t").spanBuilder("http.op").setAttribute("k", 3L).startSpan();
        traceId = span.getSpanContext().getTraceId();
        span.end();
      }

      assertThat(receiver.spans())
          .extracting(ReceivedSpan::name, ReceivedSpan::traceId, s -> s.attribute("k"))
          .containsExactly(tuple("http.op", traceId, "3"));
      assertThat(receiver.requestHeaders().get(0))
          .containsEntry("content-encoding", "gzip")
          .containsEntry("authorization", "Bearer t0ken");
    }
  }

  @Tag("otlp-http") // needs opentelemetry-exporter-sender-jdk of the line under test
  @Test
  void httpMetricExporter_counter_arrives() {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      OtlpSettings settings =
          OtlpSettings.builder()
              .setProtocol(OtlpProtocol.HTTP_PROTOBUF)
              .setEndpoint(receiver.endpoint() + "/v1/metrics")
              .build();
      recordCounter(OtlpExporters.metricExporter(settings), 11);

      assertThat(receiver.metricNames()).containsExactly("perftrace.test.requests");
      assertThat(receiver.metrics().get(0).getSum().getDataPoints(0).getAsInt()).isEqualTo(11);
    }
  }

  @Test
  void collectorDown_callerNeverBlockedDropsCountedHealthDown_thenRecovers() throws Exception {
    // The collector is down: a loopback port this test holds, refusing connections, until the
    // receiver takes it over, so no other process can take it meanwhile.
    ClosedPort collectorPort = ClosedPort.open();
    int port = collectorPort.port();
    OtlpSettings settings =
        OtlpSettings.builder()
            .setEndpoint("http://127.0.0.1:" + port)
            .setTimeout(Duration.ofSeconds(2))
            .setConnectTimeout(Duration.ofSeconds(2))
            .build();
    ExportGuard guard =
        ExportGuard.builder(Signal.TRACES)
            .setFailureThreshold(2)
            .setCooldown(Duration.ofMillis(300))
            .build();
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(guard.wrap(OtlpExporters.spanExporter(settings)))
            .setMaxQueueSize(256)
            .setMaxExportBatchSize(64)
            .setScheduleDelay(Duration.ofMillis(50))
            .setExporterTimeout(Duration.ofSeconds(3))
            .setMeterProvider(guard.queueDropMeterProvider())
            .build();
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
      int total = 50_000;
      long slowestNanos = 0;
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long t0 = System.nanoTime();
        provider.get("t").spanBuilder("while-down").startSpan().end();
        slowestNanos = Math.max(slowestNanos, System.nanoTime() - t0);
      }
      long elapsed = System.nanoTime() - start;

      // Measured on the shared 2-core build machine at load average 19-24 (issue 14): slowest
      // single call 120-280 ms, total 1.2-2.7 s over five runs; those pauses are GC and
      // scheduling. A caller held up by the exporter would wait at least its 2 s timeout, so
      // 600 ms (twice the worst measured, under a third of the timeout) still catches it.
      assertThat(Duration.ofNanos(elapsed)).isLessThan(Duration.ofSeconds(5));
      assertThat(Duration.ofNanos(slowestNanos)).isLessThan(Duration.ofMillis(600));
      ExporterHealth down =
          Poll.until(
              "every span counted as dropped",
              WAIT,
              guard::health,
              h -> h.droppedTotal() == total);
      assertThat(down.state()).isEqualTo(HealthState.DOWN);
      assertThat(down.circuitState()).isEqualTo(CircuitState.OPEN);
      assertThat(down.exported()).isZero();
      assertThat(down.lastError())
          .hasValueSatisfying(e -> assertThat(e).startsWith("gRPC UNAVAILABLE"));
      assertThat(down.dropped(DropReason.CIRCUIT_OPEN)).isPositive();
      assertThat(java.util.Arrays.stream(DropReason.values()).mapToLong(down::dropped).sum())
          .as("every drop has its reason")
          .isEqualTo(total);
      assertThat(down.failures())
          .as("the open circuit stops hammering the dead endpoint")
          .isLessThan(40);

      try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.takeOver(collectorPort)) {
        Poll.until(
            "recovered span",
            WAIT,
            () -> {
              provider.get("t").spanBuilder("after-recovery").startSpan().end();
              return receiver.spans().stream().anyMatch(s -> s.name().equals("after-recovery"));
            });
        ExporterHealth up =
            Poll.until("health UP", WAIT, guard::health, h -> h.state() == HealthState.UP);
        assertThat(up.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(up.consecutiveFailures()).isZero();
        assertThat(up.lastSuccess()).isPresent();
        processor.forceFlush().join(5, TimeUnit.SECONDS);
        ExporterHealth end = guard.health();
        assertThat(end.exported() + end.droppedTotal())
            .as("every span ended is either exported or counted as dropped")
            .isGreaterThanOrEqualTo(total);
      }
    }
  }

  @Test
  void hangingReceiver_exportTimeoutHolds_noThreadGrowth() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setBehavior(ReceiverBehavior.HANG);
      OtlpSettings settings =
          OtlpSettings.builder()
              .setEndpoint(receiver.endpoint())
              .setTimeout(Duration.ofMillis(300))
              .build();
      ExportGuard guard = ExportGuard.builder(Signal.TRACES).setFailureThreshold(100).build();
      SpanExporter exporter = guard.wrap(OtlpExporters.spanExporter(settings));
      try (SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(exporter))
              .build()) {
        // Round one warms up grpc-java's event-loop and callback threads at the same
        // concurrency (40 calls in flight) as round two.
        for (int i = 0; i < 40; i++) {
          provider.get("t").spanBuilder("warm-up-" + i).startSpan().end();
        }
        Poll.until("forty timeouts", WAIT, () -> guard.health().failures() == 40);
        int threadsAfterWarmUp = Thread.activeCount();

        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
          provider.get("t").spanBuilder("hung-" + i).startSpan().end();
        }
        Poll.until("forty more timeouts", WAIT, () -> guard.health().failures() == 80);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(guard.health().dropped(DropReason.TIMEOUT)).isEqualTo(80);
        assertThat(guard.health().lastError()).hasValueSatisfying(
            e -> assertThat(e).startsWith("gRPC DEADLINE_EXCEEDED"));
        assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
        // A thread per hung call would add 40; the slack of 8 absorbs pool threads that the JVM
        // and grpc-java start or retire on their own (a strict +2 was flaky on a loaded machine).
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsAfterWarmUp + 8);
        assertThat(receiver.spans()).isEmpty();
      }
    }
  }

  @Test
  void gracefulClose_boundedRun_everySpanReachesReceiver() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      OtlpSettings settings = OtlpSettings.builder().setEndpoint(receiver.endpoint()).build();
      ExportGuard guard = ExportGuard.builder(Signal.TRACES).build();
      int total = 5_000;
      Set<String> sent = new HashSet<>();
      SdkTracerProvider provider =
          SdkTracerProvider.builder()
              .addSpanProcessor(
                  BatchSpanProcessor.builder(guard.wrap(OtlpExporters.spanExporter(settings)))
                      .setMaxQueueSize(total)
                      .setMeterProvider(guard.queueDropMeterProvider())
                      .build())
              .build();
      for (int i = 0; i < total; i++) {
        Span span = provider.get("t").spanBuilder("bounded-" + i).startSpan();
        sent.add(span.getSpanContext().getSpanId());
        span.end();
      }

      provider.close();

      Set<String> received = new HashSet<>();
      receiver.spans().forEach(s -> received.add(s.spanId()));
      assertThat(receiver.spans()).hasSize(total);
      assertThat(received).isEqualTo(sent);
      assertThat(guard.health().exported()).isEqualTo(total);
      assertThat(guard.health().droppedTotal()).isZero();
    }
  }

  @Test
  void jsonLinesExporters_spansAndMetrics_appendOtlpJsonLinesToOneFile() throws Exception {
    Path file = tempDir.resolve("out/perftrace-otlp.jsonl");
    String traceId;
    try (SdkTracerProvider provider =
        tracerProvider(OtlpExporters.jsonLinesSpanExporter(file))) {
      Span span = provider.get("t").spanBuilder("offline").startSpan();
      traceId = span.getSpanContext().getTraceId();
      span.end();
    }
    recordCounter(OtlpExporters.jsonLinesMetricExporter(file), 5);

    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    ExportTraceServiceRequest.Builder traces = ExportTraceServiceRequest.newBuilder();
    JsonFormat.parser().merge(lines.get(0), traces);
    ExportMetricsServiceRequest.Builder metrics = ExportMetricsServiceRequest.newBuilder();
    JsonFormat.parser().merge(lines.get(1), metrics);
    // OTLP JSON writes IDs as hex (protobuf's JSON mapping would read them as base64).
    assertThat(lines.get(0)).contains("\"traceId\":\"" + traceId + "\"");
    assertThat(ReceivedSpan.fromRequests(List.of(traces.build())))
        .extracting(ReceivedSpan::name)
        .containsExactly("offline");
    Metric metric = metrics.getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
    assertThat(metric.getName()).isEqualTo("perftrace.test.requests");
    assertThat(metric.getSum().getDataPoints(0).getAsInt()).isEqualTo(5);
  }

  @Test
  void failingExports_logsAndToString_neverContainHeaderValues() {
    List<String> logged = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
              for (Object p : record.getParameters()) {
                text.append(' ').append(p);
              }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
              text.append(' ').append(t);
            }
            synchronized (logged) {
              logged.add(text.toString());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      receiver.setBehavior(ReceiverBehavior.UNAVAILABLE);
      OtlpSettings settings =
          OtlpSettings.builder()
              .setEndpoint(receiver.endpoint())
              .putHeader("x-api-key", "sup3r-s3cret-value")
              .build();
      ExportGuard guard =
          ExportGuard.builder(Signal.TRACES)
              .setFailureThreshold(1)
              .addSecrets(settings.headers().values())
              .build();
      SpanExporter exporter = guard.wrap(OtlpExporters.spanExporter(settings));
      try (SdkTracerProvider provider = tracerProvider(exporter)) {
        provider.get("t").spanBuilder("rejected").startSpan().end();
      }

      assertThat(receiver.requestHeaders().get(0)).containsEntry("x-api-key", "sup3r-s3cret-value");
      assertThat(guard.health().lastError()).hasValue("gRPC UNAVAILABLE: receiver set to UNAVAILABLE");
      assertThat(logged).isNotEmpty();
      assertThat(logged).noneMatch(line -> line.contains("sup3r-s3cret-value"));
      assertThat(settings.toString()).contains("x-api-key=****").doesNotContain("sup3r");
      assertThat(exporter.toString()).doesNotContain("sup3r");
      assertThat(guard.health().toString()).doesNotContain("sup3r");
    } finally {
      root.removeHandler(capture);
    }
  }

  private static SelfSignedCertificate certificate;

  /** One certificate for the TLS tests of this class (generating one takes a process start). */
  private static synchronized SelfSignedCertificate certificate() {
    if (certificate == null) {
      certificate = SelfSignedCertificate.generate();
    }
    return certificate;
  }

  private static SdkTracerProvider tracerProvider(SpanExporter exporter) {
    return SdkTracerProvider.builder()
        .setResource(Resource.getDefault().merge(Resource.create(
            Attributes.of(AttributeKey.stringKey("service.name"), "otlp-it"))))
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
  }

  private static void recordCounter(MetricExporter exporter, long value) {
    try (SdkMeterProvider meterProvider =
        SdkMeterProvider.builder()
            .registerMetricReader(PeriodicMetricReader.builder(exporter).build())
            .build()) {
      meterProvider
          .get("dev.perftrace.test")
          .counterBuilder("perftrace.test.requests")
          .build()
          .add(value, Attributes.of(AttributeKey.stringKey("perftrace.cache.tier"), "memory"));
    }
  }
}
