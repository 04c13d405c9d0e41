package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.PerfTracer;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PerfTraceSdkBuilder#setHistogramAggregation}: the choice reaches every reader (OTLP to a
 * real gRPC receiver, the Prometheus endpoint in protobuf and text), and the standard {@code
 * otel.exporter.otlp.metrics.default.histogram.aggregation} wins over it.
 */
class HistogramAggregationIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String DURATION = "perftrace.operation.duration";
  private static final String PROTOBUF_ACCEPT =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path tempDir;

  private PerfTraceSdk sdk(
      OtlpGrpcReceiver receiver, HistogramAggregation aggregation, Map<String, String> extra) {
    Map<String, String> properties = new HashMap<>();
    properties.put("otel.exporter.otlp.endpoint", receiver.endpoint());
    properties.put("otel.traces.exporter", "none");
    properties.put("otel.metric.export.interval", "200");
    properties.putAll(extra);
    PerfTraceSdkBuilder builder =
        PerfTraceSdk.builder()
            .setServiceName("histograms")
            .setPrometheusPort(0)
            .setShutdownHook(false)
            .setOtlpFile(tempDir.resolve("unused.jsonl"))
            .setConfigProperties(properties);
    if (aggregation != null) {
      builder.setHistogramAggregation(aggregation);
    }
    return builder.build();
  }

  private static void record(PerfTraceSdk sdk) {
    PerfTracer tracer = sdk.tracer("histograms.it");
    // 1 ms .. 1.024 s: 10 octaves
    for (int i = 0; i <= 10; i++) {
      tracer.recordDuration("op", Duration.ofNanos(1_000_000L << i));
    }
  }

  /** The newest export of the duration metric with all 11 recordings (cumulative). */
  private static Metric awaitDuration(OtlpGrpcReceiver receiver) {
    return Poll.until(
            "the duration metric with 11 recordings",
            WAIT,
            () -> last(receiver),
            m -> m.isPresent() && count(m.get()) == 11)
        .orElseThrow();
  }

  private static Optional<Metric> last(OtlpGrpcReceiver receiver) {
    List<Metric> metrics = receiver.metrics();
    for (int i = metrics.size() - 1; i >= 0; i--) {
      if (metrics.get(i).getName().equals(DURATION)) {
        return Optional.of(metrics.get(i));
      }
    }
    return Optional.empty();
  }

  private static long count(Metric m) {
    if (m.hasExponentialHistogram()) {
      return m.getExponentialHistogram().getDataPoints(0).getCount();
    }
    return m.hasHistogram() ? m.getHistogram().getDataPoints(0).getCount() : -1;
  }

  @Test
  void default_explicitBucketsEverywhere() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(receiver, null, Map.of())) {
      record(sdk);

      Metric metric = awaitDuration(receiver);
      assertThat(metric.hasHistogram()).isTrue();
      // tracer-core's advised duration buckets (1 µs .. 60 s), not the SDK's default layout
      assertThat(metric.getHistogram().getDataPoints(0).getExplicitBoundsList()).contains(1e-6);
      assertThat(text(sdk)).contains("perftrace_operation_duration_seconds_bucket{");
      assertThat(durationFamily(sdk).getMetric(0).getHistogram().getSchema()).isZero();
      assertThat(durationFamily(sdk).getMetric(0).getHistogram().getBucketCount())
          .isGreaterThan(10);
    }
  }

  @Test
  void base2Exponential_exponentialOverOtlpAndNativeInPrometheus() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk = sdk(receiver, HistogramAggregation.base2Exponential(), Map.of())) {
      record(sdk);

      Metric metric = awaitDuration(receiver);
      assertThat(metric.hasExponentialHistogram()).isTrue();
      ExponentialHistogramDataPoint point = metric.getExponentialHistogram().getDataPoints(0);
      // 10 octaves, both ends included, in at most 320 buckets (PerfTrace's default): scale 4
      // (16 per octave, 161 buckets); scale 5 would need 321
      assertThat(point.getScale()).isEqualTo(4);
      assertThat(point.getSum()).isEqualTo(2.047);
      Metrics.Histogram nativeHistogram = durationFamily(sdk).getMetric(0).getHistogram();
      assertThat(nativeHistogram.getSchema()).isEqualTo(4);
      assertThat(nativeHistogram.getSampleCount()).isEqualTo(11);
      assertThat(nativeHistogram.getPositiveSpanCount()).isGreaterThan(0);
      // text scrapes leave exponential histograms out
      assertThat(text(sdk)).doesNotContain("perftrace_operation_duration_seconds");
    }
  }

  @Test
  void base2ExponentialWithMaxBuckets_bucketLimitReachesOtlpAndPrometheus() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk =
            sdk(receiver, HistogramAggregation.base2Exponential(20, 20), Map.of())) {
      record(sdk);

      ExponentialHistogramDataPoint point =
          awaitDuration(receiver).getExponentialHistogram().getDataPoints(0);
      // 10 octaves, both ends included, in at most 20 buckets: scale 0 (11 buckets); scale 1
      // would need 21
      assertThat(point.getScale()).isZero();
      assertThat(point.getPositive().getBucketCountsCount()).isEqualTo(11);
      assertThat(durationFamily(sdk).getMetric(0).getHistogram().getSchema()).isZero();
    }
  }

  @Test
  void propertyExplicit_winsOverBuilderExponential() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk =
            sdk(
                receiver,
                HistogramAggregation.base2Exponential(),
                Map.of(
                    "otel.exporter.otlp.metrics.default.histogram.aggregation",
                    "explicit_bucket_histogram"))) {
      record(sdk);

      assertThat(awaitDuration(receiver).hasHistogram()).isTrue();
      assertThat(text(sdk)).contains("perftrace_operation_duration_seconds_bucket{");
    }
  }

  @Test
  void propertyExponential_withoutBuilderSetting_everyReaderExponential() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        PerfTraceSdk sdk =
            sdk(
                receiver,
                null,
                Map.of(
                    "otel.exporter.otlp.metrics.default.histogram.aggregation",
                    "base2_exponential_bucket_histogram"))) {
      record(sdk);

      Metric metric = awaitDuration(receiver);
      assertThat(metric.hasExponentialHistogram()).isTrue();
      // the property selects PerfTrace's 320 buckets too: scale 4, as with the builder setting
      assertThat(metric.getExponentialHistogram().getDataPoints(0).getScale()).isEqualTo(4);
      assertThat(durationFamily(sdk).getMetric(0).getHistogram().getSchema()).isEqualTo(4);
    }
  }

  @Test
  void propertyInvalid_buildFailsNamingTheSetting() {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      assertThatThrownBy(
              () ->
                  sdk(
                      receiver,
                      HistogramAggregation.base2Exponential(),
                      Map.of(
                          "otel.exporter.otlp.metrics.default.histogram.aggregation",
                          "sparse")))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("otel.exporter.otlp.metrics.default.histogram.aggregation")
          .hasMessageContaining("sparse");
    }
  }

  private static String text(PerfTraceSdk sdk) throws Exception {
    return new String(get(sdk, "text/plain;version=0.0.4"), StandardCharsets.UTF_8);
  }

  private static Metrics.MetricFamily durationFamily(PerfTraceSdk sdk) throws Exception {
    InputStream in = new ByteArrayInputStream(get(sdk, PROTOBUF_ACCEPT));
    List<Metrics.MetricFamily> families = new ArrayList<>();
    Metrics.MetricFamily family;
    while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
      families.add(family);
    }
    return families.stream()
        .filter(f -> f.getName().equals("perftrace_operation_duration_seconds"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no duration family in the protobuf scrape"));
  }

  private static byte[] get(PerfTraceSdk sdk, String accept) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + sdk.prometheusPort() + "/metrics"))
                .header("Accept", accept)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }
}
