package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Scrapes stay valid and complete when instruments are named badly or clash (issue 10). */
class PrometheusExporterValidityTest {

  private static final Attributes GET = Attributes.of(stringKey("perftrace.operation.name"), "get");

  @Test
  void collect_instrumentsNamedLikeTheirUnit_unitSuffixAddedAndOthersKept() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").gaugeBuilder("seconds").setUnit("s").buildWithCallback(m -> m.record(1.5));
      f.meter("s").upDownCounterBuilder("bytes").setUnit("By").build().add(7);
      f.meter("s").gaugeBuilder("percent").setUnit("%").buildWithCallback(m -> m.record(42));
      f.meter("s").counterBuilder("hits").build().add(3);

      String scope = "{otel_scope_name=\"s\",otel_scope_version=\"1.0\"}";
      assertThat(sampleLines(f.openMetrics()))
          .containsExactly(
              "bytes_bytes" + scope + " 7.0",
              "hits_total" + scope + " 3.0",
              "percent_percent" + scope + " 42.0",
              "seconds_seconds" + scope + " 1.5");
      assertThat(f.openMetrics()).contains("# UNIT seconds_seconds seconds\n");
    }
  }

  @Test
  void collect_counterAndGaugeWithSameSampleName_firstKeptSecondDropped() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").counterBuilder("jobs").build().add(2);
      f.meter("s").gaugeBuilder("jobs.total").buildWithCallback(m -> m.record(9));

      String text = f.text004();
      assertThat(text.split("# TYPE jobs_total", -1)).hasSize(2);
      assertThat(sampleLines(text))
          .containsExactly("jobs_total{otel_scope_name=\"s\",otel_scope_version=\"1.0\",} 2.0");
    }
  }

  @Test
  void collect_histogramAndGaugeNamedLikeItsCount_firstKeptSecondDropped() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").histogramBuilder("x").setExplicitBucketBoundariesAdvice(List.of(1.0)).build()
          .record(0.5);
      f.meter("s").gaugeBuilder("x.count").buildWithCallback(m -> m.record(9));

      String scope = "otel_scope_name=\"s\",otel_scope_version=\"1.0\",";
      assertThat(sampleLines(f.text004()))
          .containsExactly(
              "x_bucket{" + scope + "le=\"1.0\",} 1.0",
              "x_bucket{" + scope + "le=\"+Inf\",} 1.0",
              "x_count{" + scope + "} 1.0",
              "x_sum{" + scope + "} 0.5");
    }
  }

  @Test
  void collect_sameMetricFromTwoScopesWithoutScopeLabels_oneSeries() {
    PrometheusExporter exporter =
        PrometheusExporter.builder().setServerEnabled(false).setTargetInfoEnabled(false)
            .setScopeLabelsEnabled(false).build();
    try (Fixture f = new Fixture(exporter)) {
      f.meter("a").counterBuilder("hits").build().add(1, GET);
      f.meter("b").counterBuilder("hits").build().add(2, GET);

      List<String> samples = sampleLines(f.text004());
      assertThat(samples).hasSize(1);
      assertThat(samples.get(0)).matches("hits_total\\{perftrace_operation_name=\"get\",} [12]\\.0");
    }
  }

  @Test
  void collect_counterExemplar_survivesText004ScrapeUntilReplaced() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      LongCounter c = f.meter("s").counterBuilder("hits").build();
      SpanContext first = f.inSpan(() -> c.add(1)).getSpanContext();

      assertThat(exemplarTraceIds(f.openMetrics())).containsExactly(first.getTraceId());
      f.text004();
      assertThat(exemplarTraceIds(f.openMetrics())).containsExactly(first.getTraceId());
      assertThat(exemplarTraceIds(f.openMetrics())).containsExactly(first.getTraceId());

      f.clock.advance(java.time.Duration.ofSeconds(1));
      SpanContext second = f.inSpan(() -> c.add(1)).getSpanContext();
      assertThat(exemplarTraceIds(f.openMetrics())).containsExactly(second.getTraceId());
    }
  }

  @Test
  void collect_bucketExemplars_keptPerBucketAcrossCollections() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      DoubleHistogram h = f.meter("s").histogramBuilder("d").setUnit("s")
          .setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build();
      SpanContext low = f.inSpan(() -> h.record(0.05)).getSpanContext();
      f.text004();
      f.clock.advance(java.time.Duration.ofSeconds(1));
      SpanContext high = f.inSpan(() -> h.record(0.5)).getSpanContext();
      f.text004();

      String text = f.openMetrics();
      assertThat(exemplarTraceIds(text)).containsExactly(low.getTraceId(), high.getTraceId());
      assertThat(text).contains("le=\"0.1\"} 1.0 # {span_id=\"" + low.getSpanId());
      assertThat(text).contains("le=\"1.0\"} 2.0 # {span_id=\"" + high.getSpanId());
    }
  }

  @Test
  void collect_scopeSchemaUrl_label() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meterProvider.meterBuilder("s").setInstrumentationVersion("2.0")
          .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0").build()
          .counterBuilder("hits").build().add(1);

      assertThat(sampleLines(f.text004()))
          .containsExactly(
              "hits_total{otel_scope_name=\"s\",otel_scope_version=\"2.0\","
                  + "otel_scope_schema_url=\"https://opentelemetry.io/schemas/1.24.0\",} 1.0");
    }
  }

  /** Sample lines (no comments, no exemplars), in order. */
  static List<String> sampleLines(String text) {
    return Arrays.stream(text.split("\n"))
        .filter(l -> !l.startsWith("#") && !l.isEmpty())
        .map(l -> l.contains(" # {") ? l.substring(0, l.indexOf(" # {")) : l)
        .collect(Collectors.toList());
  }

  static List<String> exemplarTraceIds(String openMetrics) {
    return Arrays.stream(openMetrics.split("\n"))
        .filter(l -> l.contains("trace_id=\""))
        .map(l -> l.substring(l.indexOf("trace_id=\"") + 10, l.indexOf("trace_id=\"") + 42))
        .collect(Collectors.toList());
  }
}
