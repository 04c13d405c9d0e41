package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The protobuf exposition of the built-in server: native histograms from exponential ones, and the
 * same families, names, labels, values and exemplars as the text formats for everything else.
 */
class PrometheusExporterProtobufTest {

  /** What Prometheus 2.42 sends with {@code --enable-feature=native-histograms}. */
  static final String PROMETHEUS_NATIVE_ACCEPT =
      "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited,"
          + "application/openmetrics-text;version=1.0.0;q=0.8,"
          + "application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; "
          + "encoding=delimited";

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Fixture exponential(int maxBuckets, int maxScale) {
    return new Fixture(
        PrometheusExporter.builder().setPort(0).setTargetInfoEnabled(false).build(),
        b -> b.registerView(
            InstrumentSelector.builder().setName("latency").build(),
            View.builder()
                .setAggregation(exponentialAggregation(maxBuckets, maxScale))
                .build()));
  }

  @SuppressWarnings("deprecation") // the (maxBuckets, maxScale) spelling is the one 1.59 has
  private static Aggregation exponentialAggregation(int maxBuckets, int maxScale) {
    return Aggregation.base2ExponentialBucketHistogram(maxBuckets, maxScale);
  }

  @Test
  void protobuf_exponentialHistogram_nativeHistogramWithSpansDeltasZeroCountAndExemplar()
      throws Exception {
    try (Fixture f = exponential(160, 20)) {
      DoubleHistogram h =
          f.meter("store").histogramBuilder("latency").setUnit("s").setDescription("Latency")
              .build();
      Attributes get = Attributes.of(stringKey("op"), "get");
      h.record(1.0, get);
      h.record(2.0, get);
      h.record(0.0, get);
      Span span = f.inSpan(() -> h.record(3.0, get));

      List<Metrics.MetricFamily> families = scrapeProtobuf(f.exporter.port(), "");

      assertThat(families).hasSize(1);
      Metrics.MetricFamily family = families.get(0);
      assertThat(family.getName()).isEqualTo("latency_seconds");
      assertThat(family.getHelp()).isEqualTo("Latency");
      assertThat(family.getType()).isEqualTo(Metrics.MetricType.HISTOGRAM);
      assertThat(family.getMetricCount()).isEqualTo(1);
      Metrics.Metric metric = family.getMetric(0);
      assertThat(labels(metric))
          .isEqualTo(Map.of("op", "get", "otel_scope_name", "store", "otel_scope_version", "1.0"));
      Metrics.Histogram histogram = metric.getHistogram();
      // 1..3 in 160 buckets: the SDK settles at scale 6 (log2(3)·64 = 101 buckets)
      assertThat(histogram.getSchema()).isEqualTo(6);
      assertThat(histogram.getZeroCount()).isEqualTo(1);
      assertThat(histogram.getZeroThreshold()).isEqualTo(0.0);
      assertThat(histogram.getSampleCount()).isEqualTo(4);
      assertThat(histogram.getSampleSum()).isEqualTo(6.0);
      // Prometheus index i holds (2^((i-1)/64), 2^(i/64)]: 1.0 -> 0, 2.0 -> 64, 3.0 -> 102
      assertThat(spans(histogram.getPositiveSpanList()))
          .containsExactly(List.of(0, 1), List.of(63, 1), List.of(37, 1));
      assertThat(histogram.getPositiveDeltaList()).containsExactly(1L, 0L, 0L);
      assertThat(histogram.getNegativeSpanCount()).isZero();
      assertThat(histogram.getNegativeDeltaCount()).isZero();
      assertThat(expand(histogram)).isEqualTo(Map.of(0, 1L, 64, 1L, 102, 1L));
      // the exemplar rides on a single +Inf bucket, as client_java writes native-only histograms
      assertThat(histogram.getBucketCount()).isEqualTo(1);
      Metrics.Bucket inf = histogram.getBucket(0);
      assertThat(inf.getUpperBound()).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(inf.getCumulativeCount()).isEqualTo(4);
      assertThat(inf.getExemplar().getValue()).isEqualTo(3.0);
      assertThat(exemplarLabels(inf.getExemplar()))
          .isEqualTo(
              Map.of(
                  "trace_id", span.getSpanContext().getTraceId(),
                  "span_id", span.getSpanContext().getSpanId()));
    }
  }

  @Test
  void protobuf_scaleAbove8_bucketsMergedToSchema8() throws Exception {
    try (Fixture f = exponential(160, 20)) {
      DoubleHistogram h = f.meter("store").histogramBuilder("latency").setUnit("s").build();
      // 1.0 .. 1.001 fits 160 buckets at scale 16; Prometheus allows at most 8
      h.record(1.0);
      h.record(1.0005);
      h.record(1.001);

      Metrics.Histogram histogram =
          scrapeProtobuf(f.exporter.port(), "").get(0).getMetric(0).getHistogram();

      assertThat(histogram.getSchema()).isEqualTo(8);
      // schema 8: index 0 = (2^(-1/256), 1], index 1 = (1, 2^(1/256)] = (1, 1.00271]; 1.0005 and
      // 1.001, two buckets at scale 16, merge into index 1
      assertThat(expand(histogram)).isEqualTo(Map.of(0, 1L, 1, 2L));
      assertThat(histogram.getSampleCount()).isEqualTo(3);
      assertThat(histogram.getSampleSum()).isEqualTo(1.0 + 1.0005 + 1.001);
    }
  }

  @Test
  void protobuf_scaleBelowMinus4_seriesLeftOut() throws Exception {
    // a starting scale of -5 is coarser than native histograms allow
    try (Fixture f = exponential(160, -5)) {
      f.meter("s").histogramBuilder("latency").build().record(3);
      f.meter("s").counterBuilder("hits").build().add(1);

      List<Metrics.MetricFamily> families = scrapeProtobuf(f.exporter.port(), "");

      assertThat(families.stream().map(Metrics.MetricFamily::getName))
          .containsExactly("hits_total");
    }
  }

  @Test
  void protobuf_countersGaugesExplicitHistogramsTargetInfo_sameAsText() throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      Attributes get = Attributes.of(stringKey("perftrace.operation.name"), "get");
      DoubleHistogram h =
          f.meter("store").histogramBuilder("perftrace.operation.duration").setUnit("s")
              .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5)).build();
      h.record(0.05, get);
      Span span = f.inSpan(() -> h.record(0.3, get));
      h.record(2.0, get);
      f.inSpan(() -> f.meter("store").counterBuilder("perftrace.transfer.io").setUnit("By")
          .build().add(1500, get));
      f.meter("store").gaugeBuilder("queue.depth").build().set(7.5);
      f.meter("store").upDownCounterBuilder("perftrace.operation.active").build().add(2);

      List<Metrics.MetricFamily> families = scrapeProtobuf(f.exporter.port(), "");
      String text = scrapeText(f.exporter.port());

      // client_java's MetricSnapshots orders families by name
      assertThat(families.stream().map(Metrics.MetricFamily::getName))
          .containsExactly(
              "perftrace_operation_active",
              "perftrace_operation_duration_seconds",
              "perftrace_transfer_io_bytes_total",
              "queue_depth",
              "target_info");
      assertThat(text)
          .contains(
              "# TYPE target_info gauge",
              "# TYPE perftrace_operation_active gauge",
              "# TYPE perftrace_operation_duration_seconds histogram",
              "# TYPE perftrace_transfer_io_bytes_total counter",
              "# TYPE queue_depth gauge");
      Map<String, String> scope = Map.of("otel_scope_name", "store", "otel_scope_version", "1.0");
      Map<String, String> getLabels = new TreeMap<>(scope);
      getLabels.put("perftrace_operation_name", "get");

      Metrics.MetricFamily target = families.get(4);
      assertThat(target.getType()).isEqualTo(Metrics.MetricType.GAUGE);
      assertThat(target.getMetric(0).getGauge().getValue()).isEqualTo(1.0);
      assertThat(labels(target.getMetric(0)))
          .isEqualTo(Map.of("service_name", "checkout", "service_instance_id", "i-1"));

      Metrics.MetricFamily active = families.get(0);
      assertThat(active.getMetric(0).getGauge().getValue()).isEqualTo(2.0);
      assertThat(labels(active.getMetric(0))).isEqualTo(scope);

      Metrics.Histogram histogram = families.get(1).getMetric(0).getHistogram();
      assertThat(labels(families.get(1).getMetric(0))).isEqualTo(getLabels);
      assertThat(histogram.getSchema()).isZero();
      assertThat(histogram.getPositiveSpanCount()).isZero();
      assertThat(histogram.getBucketList().stream().map(Metrics.Bucket::getUpperBound))
          .containsExactly(0.1, 0.5, Double.POSITIVE_INFINITY);
      assertThat(histogram.getBucketList().stream().map(Metrics.Bucket::getCumulativeCount))
          .containsExactly(1L, 2L, 3L);
      assertThat(histogram.getSampleCount()).isEqualTo(3);
      assertThat(histogram.getSampleSum()).isEqualTo(2.35);
      assertThat(histogram.getBucket(0).hasExemplar()).isFalse();
      assertThat(histogram.getBucket(1).getExemplar().getValue()).isEqualTo(0.3);
      assertThat(exemplarLabels(histogram.getBucket(1).getExemplar()))
          .containsEntry("trace_id", span.getSpanContext().getTraceId());
      assertThat(histogram.getBucket(2).hasExemplar()).isFalse();

      Metrics.MetricFamily counter = families.get(2);
      assertThat(counter.getType()).isEqualTo(Metrics.MetricType.COUNTER);
      assertThat(counter.getMetric(0).getCounter().getValue()).isEqualTo(1500.0);
      assertThat(labels(counter.getMetric(0))).isEqualTo(getLabels);
      assertThat(counter.getMetric(0).getCounter().getExemplar().getValue()).isEqualTo(1500.0);

      assertThat(families.get(3).getMetric(0).getGauge().getValue()).isEqualTo(7.5);
      assertThat(text)
          .contains("perftrace_transfer_io_bytes_total{perftrace_operation_name=\"get\","
              + "otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 1500.0")
          .contains("queue_depth{otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 7.5");
    }
  }

  @Test
  void protobuf_familyConflict_sameFamiliesKeptAsInText() throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("a").counterBuilder("jobs").build().add(1);
      f.meter("a").gaugeBuilder("jobs.total").build().set(3);
      f.meter("a").histogramBuilder("x").build().record(1);
      f.meter("a").gaugeBuilder("x.count").build().set(3);

      List<Metrics.MetricFamily> families = scrapeProtobuf(f.exporter.port(), "");
      String text = scrapeText(f.exporter.port());

      assertThat(families.stream().map(Metrics.MetricFamily::getName))
          .containsExactly("jobs_total", "target_info", "x");
      assertThat(families.get(0).getType()).isEqualTo(Metrics.MetricType.COUNTER);
      assertThat(text).contains("# TYPE jobs_total counter", "# TYPE x histogram")
          .doesNotContain("x_count gauge", "jobs_total gauge");
    }
  }

  @Test
  void textAndOpenMetrics_exponentialHistogram_leftOutWhileProtobufHasIt() throws Exception {
    try (Fixture f = exponential(160, 20)) {
      f.meter("s").histogramBuilder("latency").build().record(0.25);
      f.meter("s").counterBuilder("hits").build().add(1);

      String text = scrapeText(f.exporter.port());
      List<Metrics.MetricFamily> families = scrapeProtobuf(f.exporter.port(), "");

      assertThat(text)
          .isEqualTo(
              "# HELP hits_total hits\n"
                  + "# TYPE hits_total counter\n"
                  + "hits_total{otel_scope_name=\"s\",otel_scope_version=\"1.0\",} 1.0\n");
      assertThat(f.openMetrics()).doesNotContain("latency");
      assertThat(families.stream().map(Metrics.MetricFamily::getName))
          .containsExactly("hits_total", "latency");
      // one value: the SDK keeps scale 20, merged to schema 8; 0.25 = 2^-2 is the upper bound
      // of Prometheus bucket -2·256 at schema 8
      assertThat(families.get(1).getMetric(0).getHistogram().getSchema()).isEqualTo(8);
      assertThat(expand(families.get(1).getMetric(0).getHistogram()))
          .isEqualTo(Map.of(-2 * 256, 1L));
    }
  }

  @Test
  void protobuf_nameFilter_wholeFamiliesNamed() throws Exception {
    try (Fixture f = exponential(160, 20)) {
      f.meter("s").histogramBuilder("latency").build().record(0.25);
      f.meter("s").counterBuilder("hits").build().add(1);
      f.meter("s").gaugeBuilder("depth").build().set(1);

      assertThat(
              scrapeProtobuf(f.exporter.port(), "?name[]=hits_total&name[]=latency_count")
                  .stream()
                  .map(Metrics.MetricFamily::getName))
          .containsExactly("hits_total", "latency");
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        PROMETHEUS_NATIVE_ACCEPT + " | protobuf",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text;version=1.0.0;q=0.8 | om",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0,text/plain | text004",
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily | text004",
        "application/vnd.google.protobuf;encoding=delimited | text004",
        "application/vnd.google.protobuf; proto=\"io.prometheus.client.MetricFamily\"; encoding=delimited; q=0.9, text/plain; q=0.9 | protobuf",
      })
  void metrics_protobufAccept_negotiated(String accept, String expected) throws Exception {
    try (Fixture f = new Fixture(PrometheusExporter.builder().setPort(0).build())) {
      f.meter("s").counterBuilder("hits").build().add(1);

      HttpResponse<byte[]> response = get(f.exporter.port(), "", accept);

      assertThat(response.statusCode()).isEqualTo(200);
      String contentType = response.headers().firstValue("Content-Type").orElseThrow();
      switch (expected) {
        case "protobuf":
          assertThat(contentType).isEqualTo(PROTOBUF);
          assertThat(parse(response.body()).stream().map(Metrics.MetricFamily::getName))
              .containsExactly("hits_total", "target_info");
          break;
        case "om":
          assertThat(contentType).startsWith("application/openmetrics-text; version=1.0.0");
          break;
        default:
          assertThat(contentType).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      }
    }
  }

  @Test
  void negotiation_withoutProtobufSource_nextBestTextFormat() {
    // MetricsHttpServer without a protobuf source answers the best text format asked for
    assertThat(
            dev.perftrace.exporter.prometheus.internal.MetricsHttpServerAccess.choose(
                PROMETHEUS_NATIVE_ACCEPT, false))
        .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
  }

  static List<Metrics.MetricFamily> scrapeProtobuf(int port, String query) throws Exception {
    HttpResponse<byte[]> response = get(port, query, PROMETHEUS_NATIVE_ACCEPT);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
    return parse(response.body());
  }

  static String scrapeText(int port) throws Exception {
    return new String(get(port, "", "text/plain;version=0.0.4").body(), "UTF-8");
  }

  static HttpResponse<byte[]> get(int port, String query, String accept) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics" + query))
            .header("Accept", accept)
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static List<Metrics.MetricFamily> parse(byte[] body) throws IOException {
    List<Metrics.MetricFamily> families = new ArrayList<>();
    InputStream in = new ByteArrayInputStream(body);
    Metrics.MetricFamily family;
    while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
      families.add(family);
    }
    return families;
  }

  static Map<String, String> labels(Metrics.Metric metric) {
    return metric.getLabelList().stream()
        .collect(Collectors.toMap(Metrics.LabelPair::getName, Metrics.LabelPair::getValue));
  }

  static Map<String, String> exemplarLabels(Metrics.Exemplar exemplar) {
    return exemplar.getLabelList().stream()
        .collect(Collectors.toMap(Metrics.LabelPair::getName, Metrics.LabelPair::getValue));
  }

  private static List<List<Integer>> spans(List<Metrics.BucketSpan> spans) {
    return spans.stream().map(s -> List.of(s.getOffset(), s.getLength())).toList();
  }

  /** Positive buckets by Prometheus index, from spans and deltas (empty buckets left out). */
  static Map<Integer, Long> expand(Metrics.Histogram h) {
    Map<Integer, Long> buckets = new TreeMap<>();
    int index = 0;
    int delta = 0;
    long count = 0;
    for (Metrics.BucketSpan span : h.getPositiveSpanList()) {
      index += span.getOffset();
      for (int i = 0; i < span.getLength(); i++) {
        count += h.getPositiveDelta(delta++);
        if (count != 0) {
          buckets.put(index, count);
        }
        index++;
      }
    }
    return buckets;
  }
}
