package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import dev.perftrace.testing.otlp.SelfSignedCertificate;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporters are built by OpenTelemetry's autoconfigure module: settings PerfTrace never
 * read itself (temporality preference, default histogram aggregation, client certificates, the
 * console exporter) take effect; and the SDK setup PerfTrace adds (resource precedence,
 * instance id, attribute length limit).
 */
class AutoconfiguredSettingsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tempDir;

  private PerfTraceSdk sdk(Map<String, String> properties) {
    Map<String, String> all = new HashMap<>();
    all.put("otel.bsp.schedule.delay", "50");
    all.put("otel.metric.export.interval", "200");
    all.putAll(properties);
    return PerfTraceSdk.builder()
        .setServiceName("builder-name")
        .setResourceAttribute("deployment.environment.name", "test")
        .setResourceAttribute("team", "storage")
        .setPrometheusEnabled(false)
        .setShutdownHook(false)
        .setOtlpFile(tempDir.resolve("unused.jsonl"))
        .setConfigProperties(all)
        .build();
  }

  private static Optional<Metric> metric(OtlpGrpcReceiver receiver, String name) {
    return receiver.metrics().stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  @Test
  void temporalityPreferenceDelta_counterArrivesAsDeltaSum() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk =
            sdk(Map.of(
                "otel.exporter.otlp.endpoint", receiver.endpoint(),
                "otel.traces.exporter", "none",
                "otel.exporter.otlp.metrics.temporality.preference", "delta"))) {
      sdk.openTelemetry().getMeter("m").counterBuilder("it.requests").build().add(3);
      Poll.until("it.requests", WAIT, () -> metric(receiver, "it.requests").isPresent());
      Metric metric = metric(receiver, "it.requests").orElseThrow();
      assertThat(metric.getSum().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
      assertThat(metric.getSum().getDataPoints(0).getAsInt()).isEqualTo(3);
    }
  }

  @Test
  void defaultHistogramAggregationExponential_histogramArrivesExponential() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk =
            sdk(Map.of(
                "otel.exporter.otlp.endpoint", receiver.endpoint(),
                "otel.traces.exporter", "none",
                "otel.exporter.otlp.metrics.default.histogram.aggregation",
                "base2_exponential_bucket_histogram"))) {
      sdk.openTelemetry().getMeter("m").histogramBuilder("it.latency").build().record(0.25);
      Poll.until("it.latency", WAIT, () -> metric(receiver, "it.latency").isPresent());
      Metric metric = metric(receiver, "it.latency").orElseThrow();
      assertThat(metric.hasExponentialHistogram()).isTrue();
      assertThat(metric.getExponentialHistogram().getDataPoints(0).getCount()).isEqualTo(1);
      assertThat(metric.getExponentialHistogram().getDataPoints(0).getSum()).isEqualTo(0.25);
    }
  }

  @Test
  void clientKeyAndCertificate_mutualTls_spansArriveAndHealthUp() throws Exception {
    SelfSignedCertificate server = SelfSignedCertificate.generate();
    SelfSignedCertificate client = SelfSignedCertificate.generate();
    Path ca = Files.write(tempDir.resolve("ca.pem"), server.certificatePem());
    Path clientCert = Files.write(tempDir.resolve("client.pem"), client.certificatePem());
    Path clientKey = Files.write(tempDir.resolve("client.key"), client.privateKeyPem());
    try (OtlpGrpcReceiver receiver =
            OtlpGrpcReceiver.startMutualTls(
                server.certificatePem(), server.privateKeyPem(), client.certificatePem());
        PerfTraceSdk sdk =
            sdk(Map.of(
                "otel.exporter.otlp.endpoint", "https://localhost:" + receiver.port(),
                "otel.metrics.exporter", "none",
                "otel.exporter.otlp.certificate", ca.toString(),
                "otel.exporter.otlp.client.certificate", clientCert.toString(),
                "otel.exporter.otlp.client.key", clientKey.toString()))) {
      sdk.openTelemetry().getTracer("t").spanBuilder("over-mtls").startSpan().end();
      Poll.until("span over mTLS", WAIT, () -> receiver.spans().size() == 1);
      assertThat(receiver.spans()).extracting(ReceivedSpan::name).containsExactly("over-mtls");
      Poll.until("exported counted", WAIT,
          () -> sdk.health(Signal.TRACES).orElseThrow().exported() == 1);
    }
  }

  @Test
  void consoleExporter_spansLoggedAndNotGuarded() {
    List<String> logged = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (logged) {
              logged.add(String.valueOf(record.getMessage()) + " "
                  + java.util.Arrays.toString(record.getParameters()));
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger("io.opentelemetry.exporter.logging.LoggingSpanExporter");
    logger.addHandler(capture);
    try (PerfTraceSdk sdk =
        sdk(Map.of("otel.traces.exporter", "console", "otel.metrics.exporter", "none"))) {
      sdk.openTelemetry().getTracer("t").spanBuilder("to-console").startSpan().end();
      Poll.until("console line", WAIT, () -> {
        synchronized (logged) {
          return logged.stream().anyMatch(l -> l.contains("to-console"));
        }
      });
      assertThat(sdk.health()).isEmpty();
    } finally {
      logger.removeHandler(capture);
    }
  }

  @Test
  void resource_precedenceDisabledKeysInstanceIdAndDetectors() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Map<String, String> base = Map.of(
          "otel.exporter.otlp.endpoint", receiver.endpoint(),
          "otel.metrics.exporter", "none");
      Map<String, String> attrsOnly = new HashMap<>(base);
      attrsOnly.put("otel.resource.attributes", "service.name=from-attributes");
      attrsOnly.put("otel.resource.disabled.keys", "team");
      Map<String, String> both = new HashMap<>(attrsOnly);
      both.put("otel.service.name", "from-service-name");
      for (Map<String, String> properties : List.of(base, attrsOnly, both)) {
        try (PerfTraceSdk sdk = sdk(properties)) {
          sdk.openTelemetry().getTracer("t").spanBuilder("r").startSpan().end();
        }
      }
      Poll.until("three spans", WAIT, () -> receiver.spans().size() == 3);
      List<Map<String, String>> resources = new ArrayList<>();
      receiver.spans().forEach(s -> resources.add(s.resourceAttributes()));
      assertThat(resources).extracting(r -> r.get("service.name"))
          .containsExactlyInAnyOrder("builder-name", "from-attributes", "from-service-name");
      Map<String, String> builderOnly = resources.stream()
          .filter(r -> r.get("service.name").equals("builder-name")).findFirst().orElseThrow();
      assertThat(builderOnly).containsEntry("team", "storage")
          .containsEntry("deployment.environment.name", "test")
          .containsKeys("host.name", "process.pid", "os.type", "process.runtime.name");
      assertThat(resources).filteredOn(r -> !r.get("service.name").equals("builder-name"))
          .hasSize(2)
          .allSatisfy(r -> assertThat(r).doesNotContainKey("team")
              .containsEntry("deployment.environment.name", "test"));
      // one instance id per JVM (per replica), shared by the SDKs in it
      assertThat(resources).extracting(r -> r.get("service.instance.id"))
          .doesNotContainNull()
          .allSatisfy(id -> assertThat(id).matches("[0-9a-f-]{36}"))
          .containsOnly(resources.get(0).get("service.instance.id"));
    }
  }

  @Test
  void attributeValueLengthLimit_defaultCapsHugeValue_andIsOverridable() {
    String huge = "x".repeat(1_000_000);
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Map<String, String> base = Map.of(
          "otel.exporter.otlp.endpoint", receiver.endpoint(),
          "otel.metrics.exporter", "none");
      try (PerfTraceSdk sdk = sdk(base)) {
        sdk.openTelemetry().getTracer("t").spanBuilder("default-limit")
            .setAttribute("payload", huge).startSpan().end();
      }
      Map<String, String> overridden = new HashMap<>(base);
      overridden.put("otel.attribute.value.length.limit", "10");
      try (PerfTraceSdk sdk = sdk(overridden)) {
        sdk.openTelemetry().getTracer("t").spanBuilder("override-limit")
            .setAttribute("payload", huge).startSpan().end();
      }
      Poll.until("two spans", WAIT, () -> receiver.spans().size() == 2);
      Map<String, Integer> lengths = new HashMap<>();
      receiver.spans().forEach(s -> lengths.put(s.name(), s.attribute("payload").length()));
      assertThat(lengths).containsEntry("default-limit",
          PerfTraceSdkBuilder.DEFAULT_ATTRIBUTE_VALUE_LENGTH_LIMIT)
          .containsEntry("override-limit", 10);
    }
  }
}
