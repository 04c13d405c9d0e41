package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.View;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusExporterTest {

  private static final Attributes GET = Attributes.of(stringKey("perftrace.operation.name"), "get");

  @Test
  void collect_monotonicCounter_totalWithUnitSuffix() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("store").counterBuilder("perftrace.transfer.io").setUnit("By")
          .setDescription("Bytes transferred").build()
          .add(1500, Attributes.of(stringKey("network.io.direction"), "receive"));

      assertThat(f.text004())
          .isEqualTo(
              "# HELP perftrace_transfer_io_bytes_total Bytes transferred\n"
                  + "# TYPE perftrace_transfer_io_bytes_total counter\n"
                  + "perftrace_transfer_io_bytes_total{network_io_direction=\"receive\","
                  + "otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 1500.0\n");
    }
  }

  @Test
  void collect_counterWithAnnotationUnit_unitDropped() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("store").counterBuilder("perftrace.cache.requests").setUnit("{request}").build()
          .add(3);

      assertThat(f.text004())
          .isEqualTo(
              "# HELP perftrace_cache_requests_total perftrace.cache.requests\n"
                  + "# TYPE perftrace_cache_requests_total counter\n"
                  + "perftrace_cache_requests_total{otel_scope_name=\"store\","
                  + "otel_scope_version=\"1.0\",} 3.0\n");
    }
  }

  @Test
  void collect_histogram_cumulativeBucketsCountAndSum() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      DoubleHistogram h =
          f.meter("store").histogramBuilder("perftrace.operation.duration").setUnit("s")
              .setDescription("Operation duration")
              .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5, 1.0)).build();
      h.record(0.05, GET);
      h.record(0.3, GET);
      h.record(0.4, GET);
      h.record(2.0, GET);

      String labels = "perftrace_operation_name=\"get\",otel_scope_name=\"store\","
          + "otel_scope_version=\"1.0\",";
      assertThat(f.text004())
          .isEqualTo(
              "# HELP perftrace_operation_duration_seconds Operation duration\n"
                  + "# TYPE perftrace_operation_duration_seconds histogram\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + "le=\"0.1\",} 1.0\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + "le=\"0.5\",} 3.0\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + "le=\"1.0\",} 3.0\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + "le=\"+Inf\",} 4.0\n"
                  + "perftrace_operation_duration_seconds_count{" + labels + "} 4.0\n"
                  + "perftrace_operation_duration_seconds_sum{" + labels + "} 2.75\n");
    }
  }

  @Test
  void collect_schemaDurationBuckets_plainDecimalLe() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").histogramBuilder("d").setUnit("s")
          .setExplicitBucketBoundariesAdvice(List.of(0.0005, 0.001)).build().record(0.0001);

      assertThat(f.text004())
          .contains("d_seconds_bucket{otel_scope_name=\"s\",otel_scope_version=\"1.0\",le=\"0.0005\",} 1.0\n")
          .contains("d_seconds_bucket{otel_scope_name=\"s\",otel_scope_version=\"1.0\",le=\"0.001\",} 1.0\n");
    }
  }

  @Test
  void collect_upDownCounter_gaugeWithoutTotal() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      var active = f.meter("store").upDownCounterBuilder("perftrace.operation.active")
          .setUnit("{operation}").setDescription("Operations in flight").build();
      active.add(3, GET);
      active.add(-1, GET);

      assertThat(f.text004())
          .isEqualTo(
              "# HELP perftrace_operation_active Operations in flight\n"
                  + "# TYPE perftrace_operation_active gauge\n"
                  + "perftrace_operation_active{perftrace_operation_name=\"get\","
                  + "otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 2.0\n");
    }
  }

  @Test
  void collect_gaugeWithUnitOne_ratioSuffix() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("runtime").gaugeBuilder("jvm.cpu.recent_utilization").setUnit("1")
          .setDescription("Recent CPU utilization").buildWithCallback(m -> m.record(0.25));

      assertThat(f.text004())
          .isEqualTo(
              "# HELP jvm_cpu_recent_utilization_ratio Recent CPU utilization\n"
                  + "# TYPE jvm_cpu_recent_utilization_ratio gauge\n"
                  + "jvm_cpu_recent_utilization_ratio{otel_scope_name=\"runtime\","
                  + "otel_scope_version=\"1.0\",} 0.25\n");
    }
  }

  @Test
  void collect_millisecondsUnit_millisecondsSuffix() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").gaugeBuilder("queue.wait").ofLongs().setUnit("ms").build().set(7);

      assertThat(f.text004())
          .contains("queue_wait_milliseconds{otel_scope_name=\"s\",otel_scope_version=\"1.0\",} 7.0\n");
    }
  }

  @Test
  void collect_resource_targetInfoGaugeWithResourceLabels() {
    PrometheusExporter exporter =
        PrometheusExporter.builder().setServerEnabled(false).setScopeLabelsEnabled(false).build();
    try (Fixture f = new Fixture(exporter)) {
      f.meter("store").counterBuilder("hits").build().add(1);

      assertThat(f.text004())
          .isEqualTo(
              "# HELP target_info Target metadata\n"
                  + "# TYPE target_info gauge\n"
                  + "target_info{service_instance_id=\"i-1\",service_name=\"checkout\",} 1.0\n"
                  + "# HELP hits_total hits\n"
                  + "# TYPE hits_total counter\n"
                  + "hits_total 1.0\n");
    }
  }

  @Test
  void collect_resourceInOpenMetrics_infoType() {
    PrometheusExporter exporter =
        PrometheusExporter.builder().setServerEnabled(false).setScopeLabelsEnabled(false).build();
    try (Fixture f = new Fixture(exporter)) {
      f.meter("store").counterBuilder("hits").build().add(1);

      assertThat(f.openMetrics())
          .startsWith(
              "# TYPE target info\n"
                  + "# HELP target Target metadata\n"
                  + "target_info{service_instance_id=\"i-1\",service_name=\"checkout\"} 1.0\n");
    }
  }

  @Test
  void collect_scopeLabelsDisabled_onlyAttributeLabels() {
    PrometheusExporter exporter =
        PrometheusExporter.builder().setServerEnabled(false).setTargetInfoEnabled(false)
            .setScopeLabelsEnabled(false).build();
    try (Fixture f = new Fixture(exporter)) {
      f.meter("store").counterBuilder("hits").build().add(2, GET);

      assertThat(f.text004()).endsWith("hits_total{perftrace_operation_name=\"get\",} 2.0\n");
    }
  }

  @Test
  void collect_sameNameFromTwoScopes_oneFamily() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("a").counterBuilder("hits").build().add(1);
      f.meter("b").counterBuilder("hits").build().add(2);

      List<String> lines = List.of(f.text004().split("\n"));
      assertThat(lines.subList(0, 2))
          .containsExactly("# HELP hits_total hits", "# TYPE hits_total counter");
      assertThat(lines.subList(2, lines.size()))
          .containsExactlyInAnyOrder(
              "hits_total{otel_scope_name=\"a\",otel_scope_version=\"1.0\",} 1.0",
              "hits_total{otel_scope_name=\"b\",otel_scope_version=\"1.0\",} 2.0");
    }
  }

  @Test
  void collect_invalidCharacters_replacedInNamesAndLabelKeys() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").upDownCounterBuilder("http.server-active/requests").build()
          .add(1, Attributes.of(stringKey("http.request.method"), "GET",
              stringKey("2xx"), "yes"));

      assertThat(f.text004())
          .endsWith(
              "http_server_active_requests{key_2xx=\"yes\",http_request_method=\"GET\","
                  + "otel_scope_name=\"s\",otel_scope_version=\"1.0\",} 1.0\n");
    }
  }

  @Test
  void collect_keysSanitizingToSameLabel_valuesJoinedInKeyOrder() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").upDownCounterBuilder("x").build()
          .add(1, Attributes.of(stringKey("a.b"), "1", stringKey("a_b"), "2"));

      assertThat(f.text004()).contains("x{a_b=\"1;2\",otel_scope_name=\"s\"");
    }
  }

  @Test
  void collect_histogramExemplar_onBucketHoldingTheValue() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      DoubleHistogram h =
          f.meter("store").histogramBuilder("perftrace.operation.duration").setUnit("s")
              .setDescription("Operation duration")
              .setExplicitBucketBoundariesAdvice(List.of(0.1, 0.5)).build();
      SpanContext span = f.inSpan(() -> h.record(0.3, GET)).getSpanContext();

      String labels = "perftrace_operation_name=\"get\",otel_scope_name=\"store\","
          + "otel_scope_version=\"1.0\"";
      assertThat(withoutExemplarTimestamp(f.openMetrics()))
          .isEqualTo(
              "# TYPE perftrace_operation_duration_seconds histogram\n"
                  + "# UNIT perftrace_operation_duration_seconds seconds\n"
                  + "# HELP perftrace_operation_duration_seconds Operation duration\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + ",le=\"0.1\"} 0.0\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + ",le=\"0.5\"} 1.0"
                  + " # {span_id=\"" + span.getSpanId() + "\",trace_id=\"" + span.getTraceId()
                  + "\"} 0.3 <timestamp>\n"
                  + "perftrace_operation_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 1.0\n"
                  + "perftrace_operation_duration_seconds_count{" + labels + "} 1.0\n"
                  + "perftrace_operation_duration_seconds_sum{" + labels + "} 0.3\n"
                  + "# EOF\n");
    }
  }

  @Test
  void collect_counterExemplar_onTotalSample() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      LongCounter c = f.meter("store").counterBuilder("perftrace.transfer.io").setUnit("By")
          .setDescription("Bytes").build();
      SpanContext span = f.inSpan(() -> c.add(512)).getSpanContext();

      assertThat(withoutExemplarTimestamp(f.openMetrics()))
          .isEqualTo(
              "# TYPE perftrace_transfer_io_bytes counter\n"
                  + "# UNIT perftrace_transfer_io_bytes bytes\n"
                  + "# HELP perftrace_transfer_io_bytes Bytes\n"
                  + "perftrace_transfer_io_bytes_total{otel_scope_name=\"store\","
                  + "otel_scope_version=\"1.0\"} 512.0 # {span_id=\"" + span.getSpanId()
                  + "\",trace_id=\"" + span.getTraceId() + "\"} 512.0 <timestamp>\n"
                  + "# EOF\n");
    }
  }

  @Test
  void collect_text004_carriesNoExemplars() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      LongCounter c = f.meter("store").counterBuilder("hits").build();
      f.inSpan(() -> c.add(1));

      assertThat(f.text004())
          .isEqualTo(
              "# HELP hits_total hits\n"
                  + "# TYPE hits_total counter\n"
                  + "hits_total{otel_scope_name=\"store\",otel_scope_version=\"1.0\",} 1.0\n");
    }
  }

  @Test
  void collect_recordedOutsideSpan_noExemplar() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("store").counterBuilder("hits").build().add(1);

      assertThat(f.openMetrics()).doesNotContain("trace_id");
    }
  }

  @Test
  void collect_exponentialHistogram_leftOut() {
    try (Fixture f =
        new Fixture(
            Fixture.collectorOnly(),
            b -> b.registerView(
                InstrumentSelector.builder().setName("sizes").build(),
                View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram())
                    .build()))) {
      Meter meter = f.meter("s");
      meter.histogramBuilder("sizes").build().record(10);
      meter.counterBuilder("hits").build().add(1);

      assertThat(f.text004())
          .isEqualTo(
              "# HELP hits_total hits\n"
                  + "# TYPE hits_total counter\n"
                  + "hits_total{otel_scope_name=\"s\",otel_scope_version=\"1.0\",} 1.0\n");
    }
  }

  @Test
  void collect_sameFamilyWithDifferentTypes_firstKept() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("a").upDownCounterBuilder("jobs").build().add(5);
      f.meter("b").gaugeBuilder("jobs").setUnit("s").build().set(1.5);

      assertThat(f.text004())
          .isEqualTo(
              "# HELP jobs jobs\n"
                  + "# TYPE jobs gauge\n"
                  + "jobs{otel_scope_name=\"a\",otel_scope_version=\"1.0\",} 5.0\n"
                  + "# HELP jobs_seconds jobs\n"
                  + "# TYPE jobs_seconds gauge\n"
                  + "jobs_seconds{otel_scope_name=\"b\",otel_scope_version=\"1.0\",} 1.5\n");
    }
  }

  @Test
  void collect_histogramAttributeNamedLe_attributeDropped() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").histogramBuilder("h").setExplicitBucketBoundariesAdvice(List.of(1.0)).build()
          .record(0.5, Attributes.of(stringKey("le"), "x"));

      assertThat(f.text004())
          .contains("h_bucket{otel_scope_name=\"s\",otel_scope_version=\"1.0\",le=\"1.0\",} 1.0\n");
    }
  }

  @Test
  void collect_beforeSdkRegistration_empty() {
    PrometheusExporter exporter = Fixture.collectorOnly();

    assertThat(exporter.collect()).isEmpty();
  }

  @Test
  void collect_afterShutdown_empty() {
    try (Fixture f = new Fixture(Fixture.collectorOnly())) {
      f.meter("s").counterBuilder("hits").build().add(1);
      f.exporter.shutdown();

      assertThat(f.exporter.collect()).isEmpty();
    }
  }

  @Test
  void port_withoutServer_minusOne() {
    assertThat(Fixture.collectorOnly().port()).isEqualTo(-1);
  }

  /** The SDK stamps exemplars with the wall clock, not the provider's test clock. */
  private static String withoutExemplarTimestamp(String exposition) {
    return exposition.replaceAll("(# \\{[^}]*\\} \\S+) \\d+\\.\\d{3}\n", "$1 <timestamp>\n");
  }
}
