package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PerfTraceSdkBuilderTest {

  @TempDir Path tempDir;

  @Test
  void setters_invalidArguments_throwNamingTheParameter() {
    PerfTraceSdkBuilder builder = PerfTraceSdk.builder();

    assertThatThrownBy(() -> builder.setServiceName(null)).hasMessage("serviceName");
    assertThatThrownBy(() -> builder.setServiceName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("serviceName");
    assertThatThrownBy(() -> builder.setResourceAttribute(null, "v")).hasMessage("key");
    assertThatThrownBy(() -> builder.setResourceAttribute("k", null)).hasMessage("value");
    assertThatThrownBy(() -> builder.setPrometheusPort(70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> builder.setPrometheusHost("")).hasMessageContaining("host");
    assertThatThrownBy(() -> builder.setOtlpFile(null)).hasMessage("file");
    assertThatThrownBy(() -> builder.setConfigProperties(null)).hasMessage("properties");
  }

  @ParameterizedTest
  @CsvSource({
    "otel.exporter.otlp.protocol, http/json",
    "otel.exporter.otlp.traces.protocol, thrift",
    "otel.exporter.otlp.endpoint, ftp://collector:4317",
    "otel.exporter.otlp.timeout, soon",
    "otel.exporter.otlp.compression, zstd",
    "otel.exporter.otlp.certificate, /nonexistent/ca.pem",
    "otel.bsp.max.queue.size, 0",
    "otel.metric.export.interval, -5",
    "otel.traces.exporter, zipkin",
    "otel.metrics.exporter, prometheus",
    "perftrace.exporter.circuit.failure.threshold, many",
    "otel.exporter.prometheus.port, 70000",
  })
  void build_invalidSetting_failsNamingTheSetting(String key, String value) {
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.exporter.otlp.endpoint", "http://127.0.0.1:1");
    properties.put(key, value);

    assertThatThrownBy(
            () ->
                PerfTraceSdk.builder()
                    .setPrometheusEnabled(false)
                    .setShutdownHook(false)
                    .setOtlpFile(tempDir.resolve("x.jsonl"))
                    .setConfigProperties(properties)
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(key);
  }

  @Test
  void build_invalidHeaderEncoding_failsWithoutEchoingTheSecret() {
    assertThatThrownBy(
            () ->
                PerfTraceSdk.builder()
                    .setPrometheusEnabled(false)
                    .setShutdownHook(false)
                    .setConfigProperties(
                        Map.of(
                            "otel.exporter.otlp.endpoint", "http://127.0.0.1:1",
                            "otel.exporter.otlp.headers", "x-api-key=s3cret%zz"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("otel.exporter.otlp.headers")
        .hasMessageContaining("x-api-key")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
  }

  @Test
  void toString_withConfigProperties_showsKeysOnly() {
    PerfTraceSdkBuilder builder =
        PerfTraceSdk.builder()
            .setConfigProperties(Map.of("otel.exporter.otlp.headers", "api-key=hunter2"));

    assertThat(builder.toString()).contains("otel.exporter.otlp.headers").doesNotContain("hunter2");
  }

  @Test
  void build_sdkDisabled_noExportersAndNoHealth() {
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("x.jsonl"))
            .setConfigProperties(Map.of("otel.sdk.disabled", "true"))
            .build()) {
      assertThat(sdk.health()).isEmpty();
      assertThat(sdk.prometheusPort()).isEqualTo(-1);
      assertThat(tempDir.resolve("x.jsonl")).doesNotExist();
    }
  }

  @Test
  void build_defaults_useW3cTraceContextAndBaggagePropagators() {
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("x.jsonl"))
            .build()) {
      assertThat(sdk.openTelemetry().getPropagators().getTextMapPropagator().fields())
          .containsExactlyInAnyOrder("traceparent", "tracestate", "baggage");
    }
  }

  @Test
  void build_tracesExporterNone_onlyMetricsHealth() {
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setPrometheusEnabled(false)
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("x.jsonl"))
            .setConfigProperties(Map.of("otel.traces.exporter", "none"))
            .build()) {
      assertThat(sdk.health().keySet())
          .containsExactly(dev.perftrace.exporter.otlp.Signal.METRICS);
    }
  }

  @Test
  void build_prometheusPortProperty_overridesBuilderPort() {
    try (PerfTraceSdk sdk =
        PerfTraceSdk.builder()
            .setPrometheusPort(PerfTraceSdkBuilder.DEFAULT_PROMETHEUS_PORT)
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("x.jsonl"))
            .setConfigProperties(Map.of("otel.exporter.prometheus.port", "0"))
            .build()) {
      assertThat(sdk.prometheusPort()).isPositive().isNotEqualTo(9464);
    }
  }

  @Test
  void build_malformedHeaderList_failsWithoutEchoingTheSecret() {
    assertThatThrownBy(
            () ->
                PerfTraceSdk.builder()
                    .setPrometheusEnabled(false)
                    .setShutdownHook(false)
                    .setConfigProperties(
                        Map.of(
                            "otel.exporter.otlp.endpoint", "http://127.0.0.1:1",
                            "otel.exporter.otlp.traces.headers", "authorization=Bearer t0k3n,junk"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("otel.exporter.otlp.traces.headers")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("t0k3n"));
  }

  @Test
  void build_unwritableOtlpFile_failsNamingPerftraceOtlpFile() throws Exception {
    java.nio.file.Path notADirectory =
        java.nio.file.Files.writeString(tempDir.resolve("plain-file"), "x");
    assertThatThrownBy(
            () ->
                PerfTraceSdk.builder()
                    .setPrometheusEnabled(false)
                    .setShutdownHook(false)
                    .setOtlpFile(notADirectory.resolve("out.jsonl"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("perftrace.otlp.file")
        .hasMessageContaining("out.jsonl");
  }

  @Test
  void build_invalidFileCap_failsNamingTheSetting() {
    assertThatThrownBy(
            () ->
                PerfTraceSdk.builder()
                    .setPrometheusEnabled(false)
                    .setShutdownHook(false)
                    .setOtlpFile(tempDir.resolve("cap.jsonl"))
                    .setConfigProperties(Map.of("perftrace.otlp.file.max.bytes", "0"))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("perftrace.otlp.file.max.bytes");
  }
}
