package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A real Prometheus server scrapes the exporter's HTTP endpoint (OpenMetrics, with exemplars). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusExporterIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Attributes GET = Attributes.of(stringKey("perftrace.operation.name"), "get");
  private static final Attributes RECEIVE =
      Attributes.of(
          stringKey("network.io.direction"), "receive",
          stringKey("perftrace.transfer.source"), "peer-a");

  private Fixture fixture;
  private PrometheusServer prometheus;
  private SpanContext histogramSpan;
  private SpanContext counterSpan;

  @BeforeAll
  void recordAndScrape() {
    fixture = new Fixture(PrometheusExporter.builder().setPort(0).build());
    Meter meter = fixture.meter("dev.perftrace.it");
    DoubleHistogram duration =
        meter.histogramBuilder("perftrace.operation.duration").setUnit("s")
            .setDescription("Duration of operations")
            .setExplicitBucketBoundariesAdvice(List.of(0.01, 0.1, 0.5, 1.0)).build();
    LongCounter bytes = meter.counterBuilder("perftrace.transfer.io").setUnit("By")
        .setDescription("Bytes transferred").build();
    LongUpDownCounter active = meter.upDownCounterBuilder("perftrace.operation.active")
        .setUnit("{operation}").setDescription("Operations in flight").build();
    meter.gaugeBuilder("jvm.cpu.recent_utilization").setUnit("1")
        .setDescription("Recent CPU utilization").buildWithCallback(m -> m.record(0.125));

    duration.record(0.005, GET);
    duration.record(0.25, GET);
    histogramSpan = fixture.inSpan(() -> duration.record(0.3, GET)).getSpanContext();
    bytes.add(1000, RECEIVE);
    counterSpan = fixture.inSpan(() -> bytes.add(500, RECEIVE)).getSpanContext();
    active.add(3, GET);
    active.add(-1, GET);

    prometheus =
        PrometheusServer.builder().addTarget("127.0.0.1:" + fixture.exporter.port()).start();
    prometheus.awaitTargetsUp(TIMEOUT);
  }

  @AfterAll
  void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void query_counterTotal_equalsRecorded() {
    assertThat(
            prometheus.awaitValue(
                "perftrace_transfer_io_bytes_total{network_io_direction=\"receive\","
                    + "perftrace_transfer_source=\"peer-a\",otel_scope_name=\"dev.perftrace.it\"}",
                TIMEOUT))
        .isEqualTo(1500.0);
  }

  @Test
  void query_histogramCount_equalsRecorded() {
    assertThat(
            prometheus.awaitValue(
                "perftrace_operation_duration_seconds_count{perftrace_operation_name=\"get\"}",
                TIMEOUT))
        .isEqualTo(3.0);
  }

  @Test
  void query_histogramSum_equalsRecorded() {
    assertThat(
            prometheus.awaitValue(
                "perftrace_operation_duration_seconds_sum{perftrace_operation_name=\"get\"}",
                TIMEOUT))
        .isEqualTo(0.005 + 0.25 + 0.3); // the double sum the SDK computed, in recording order
  }

  @Test
  void query_histogramBucket_cumulativeCount() {
    assertThat(
            prometheus.awaitValue(
                "perftrace_operation_duration_seconds_bucket{perftrace_operation_name=\"get\","
                    + "le=\"0.1\"}",
                TIMEOUT))
        .isEqualTo(1.0);
    assertThat(
            prometheus.awaitValue(
                "perftrace_operation_duration_seconds_bucket{perftrace_operation_name=\"get\","
                    + "le=\"0.5\"}",
                TIMEOUT))
        .isEqualTo(3.0);
  }

  @Test
  void query_upDownCounter_gaugeValue() {
    assertThat(
            prometheus.awaitValue(
                "perftrace_operation_active{perftrace_operation_name=\"get\"}", TIMEOUT))
        .isEqualTo(2.0);
  }

  @Test
  void query_gaugeWithUnitOne_ratio() {
    assertThat(prometheus.awaitValue("jvm_cpu_recent_utilization_ratio", TIMEOUT))
        .isEqualTo(0.125);
  }

  @Test
  void query_targetInfo_carriesResource() {
    JsonNode series =
        Poll.until(
            "target_info in Prometheus",
            TIMEOUT,
            () -> prometheus.query("target_info"),
            result -> result.size() == 1);

    JsonNode metric = series.get(0).path("metric");
    assertThat(metric.path("service_name").asText()).isEqualTo("checkout");
    assertThat(metric.path("service_instance_id").asText()).isEqualTo("i-1");
  }

  @Test
  void queryExemplars_histogramBucket_traceIdOfRecordingSpan() {
    List<String> traceIds =
        Poll.until(
            "a histogram exemplar",
            TIMEOUT,
            () -> exemplarTraceIds("perftrace_operation_duration_seconds_bucket"),
            ids -> !ids.isEmpty());

    assertThat(traceIds).containsExactly(histogramSpan.getTraceId());
  }

  @Test
  void queryExemplars_histogramBucket_onBucketHoldingTheValue() {
    JsonNode data =
        Poll.until(
            "a histogram exemplar",
            TIMEOUT,
            () -> prometheus.queryExemplars("perftrace_operation_duration_seconds_bucket"),
            d -> d.size() > 0);

    JsonNode first = data.get(0);
    assertThat(first.path("seriesLabels").path("le").asText()).isEqualTo("0.5");
    JsonNode exemplar = first.path("exemplars").get(0);
    assertThat(exemplar.path("value").asText()).isEqualTo("0.3");
    assertThat(exemplar.path("labels").path("span_id").asText())
        .isEqualTo(histogramSpan.getSpanId());
  }

  @Test
  void queryExemplars_counter_traceIdOfRecordingSpan() {
    List<String> traceIds =
        Poll.until(
            "a counter exemplar",
            TIMEOUT,
            () -> exemplarTraceIds("perftrace_transfer_io_bytes_total"),
            ids -> !ids.isEmpty());

    assertThat(traceIds).containsExactly(counterSpan.getTraceId());
  }

  private List<String> exemplarTraceIds(String promql) {
    List<String> ids = new ArrayList<>();
    for (JsonNode series : prometheus.queryExemplars(promql)) {
      for (JsonNode exemplar : series.path("exemplars")) {
        String id = exemplar.path("labels").path("trace_id").asText();
        if (!ids.contains(id)) {
          ids.add(id);
        }
      }
    }
    return ids;
  }
}
