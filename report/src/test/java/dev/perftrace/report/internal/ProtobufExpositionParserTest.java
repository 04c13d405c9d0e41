package dev.perftrace.report.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.expositionformats.generated.Metrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtobufExpositionParserTest {

  private static Metrics.LabelPair label(String name, String value) {
    return Metrics.LabelPair.newBuilder().setName(name).setValue(value).build();
  }

  private static byte[] delimited(Metrics.MetricFamily... families) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Metrics.MetricFamily family : families) {
      family.writeDelimitedTo(out);
    }
    return out.toByteArray();
  }

  @Test
  void parse_nativeHistogram_spansAndDeltasToAbsoluteCounts() throws Exception {
    Metrics.Histogram histogram =
        Metrics.Histogram.newBuilder()
            .setSchema(3)
            .setZeroThreshold(0)
            .setZeroCount(1)
            .setSampleCount(7)
            .setSampleSum(1.25)
            .addPositiveSpan(Metrics.BucketSpan.newBuilder().setOffset(-2).setLength(2))
            .addPositiveSpan(Metrics.BucketSpan.newBuilder().setOffset(3).setLength(1))
            .addPositiveDelta(2)
            .addPositiveDelta(1)
            .addPositiveDelta(-2)
            .build();
    byte[] body =
        delimited(
            Metrics.MetricFamily.newBuilder()
                .setName("perftrace_operation_duration_seconds")
                .setType(Metrics.MetricType.HISTOGRAM)
                .addMetric(
                    Metrics.Metric.newBuilder()
                        .addLabel(label("perftrace_operation_name", "get"))
                        .setHistogram(histogram))
                .build());

    Exposition exposition = ProtobufExpositionParser.parse(body);

    assertThat(exposition.samples()).isEmpty();
    assertThat(exposition.nativeHistograms()).hasSize(1);
    NativeHistogram h = exposition.nativeHistograms().get(0);
    assertThat(h.name()).isEqualTo("perftrace_operation_duration_seconds");
    assertThat(h.labels()).isEqualTo(Map.of("perftrace_operation_name", "get"));
    assertThat(h.schema()).isEqualTo(3);
    assertThat(h.zeroCount()).isEqualTo(1);
    assertThat(h.count()).isEqualTo(7);
    assertThat(h.sum()).isEqualTo(1.25);
    // indexes -2, -1, then +3 after the gap: 2, 3, 1
    assertThat(h.positive()).isEqualTo(Map.of(-2, 2.0, -1, 3.0, 3, 1.0));
    assertThat(h.negative()).isEmpty();
  }

  @Test
  void parse_classicHistogramCounterGauge_samplesAsInText() throws Exception {
    byte[] body =
        delimited(
            Metrics.MetricFamily.newBuilder()
                .setName("d_seconds")
                .setType(Metrics.MetricType.HISTOGRAM)
                .addMetric(
                    Metrics.Metric.newBuilder()
                        .addLabel(label("op", "get"))
                        .setHistogram(
                            Metrics.Histogram.newBuilder()
                                .setSampleCount(3)
                                .setSampleSum(0.6)
                                .addBucket(
                                    Metrics.Bucket.newBuilder()
                                        .setUpperBound(0.1)
                                        .setCumulativeCount(1))
                                .addBucket(
                                    Metrics.Bucket.newBuilder()
                                        .setUpperBound(Double.POSITIVE_INFINITY)
                                        .setCumulativeCount(3))))
                .build(),
            Metrics.MetricFamily.newBuilder()
                .setName("hits_total")
                .setType(Metrics.MetricType.COUNTER)
                .addMetric(
                    Metrics.Metric.newBuilder()
                        .setCounter(Metrics.Counter.newBuilder().setValue(42)))
                .build(),
            Metrics.MetricFamily.newBuilder()
                .setName("depth")
                .setType(Metrics.MetricType.GAUGE)
                .addMetric(
                    Metrics.Metric.newBuilder().setGauge(Metrics.Gauge.newBuilder().setValue(7.5)))
                .build());

    Exposition exposition = ProtobufExpositionParser.parse(body);

    assertThat(exposition.nativeHistograms()).isEmpty();
    assertThat(exposition.samples())
        .containsExactly(
            new Sample("d_seconds_bucket", Map.of("op", "get", "le", "0.1"), 1),
            new Sample("d_seconds_bucket", Map.of("op", "get", "le", "+Inf"), 3),
            new Sample("d_seconds_count", Map.of("op", "get"), 3),
            new Sample("d_seconds_sum", Map.of("op", "get"), 0.6),
            new Sample("hits_total", Map.of(), 42),
            new Sample("depth", Map.of(), 7.5));
    assertThat(exposition.types())
        .isEqualTo(Map.of("d_seconds", "histogram", "hits_total", "counter", "depth", "gauge"));
  }

  @Test
  void parse_notProtobuf_throwsFormatException() {
    assertThatThrownBy(() -> ProtobufExpositionParser.parse(new byte[] {5, 1, 2}))
        .isInstanceOf(ExpositionFormatException.class)
        .hasMessageStartingWith("protobuf exposition: not a protobuf exposition (message 1)");
  }
}
