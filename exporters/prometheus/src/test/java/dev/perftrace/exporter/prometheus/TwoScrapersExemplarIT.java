package dev.perftrace.exporter.prometheus;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.PrometheusServer;
import dev.perftrace.testing.otlp.OtlpHttpReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Two real Prometheus servers (an HA pair) and a text 0.0.4 scraper scrape one endpoint; both
 * servers store the exemplars, and their trace IDs are those of spans the OTLP receiver got.
 */
class TwoScrapersExemplarIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Attributes GET = Attributes.of(stringKey("perftrace.operation.name"), "get");

  @Test
  @Tag("otlp-http") // exports over OTLP/HTTP: needs opentelemetry-exporter-sender-jdk of the line under test
  void twoPrometheusServers_bothStoreExemplarsOfExportedSpans() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start();
        SdkTracerProvider tracerProvider =
            SdkTracerProvider.builder()
                .addSpanProcessor(
                    SimpleSpanProcessor.create(
                        OtlpHttpSpanExporter.builder()
                            .setEndpoint(receiver.endpoint() + "/v1/traces")
                            .build()))
                .build();
        PrometheusExporter exporter = PrometheusExporter.builder().setPort(0).build();
        SdkMeterProvider meterProvider =
            SdkMeterProvider.builder().registerMetricReader(exporter).build()) {
      Meter meter = meterProvider.get("dev.perftrace.it");
      DoubleHistogram duration = meter.histogramBuilder("perftrace.operation.duration")
          .setUnit("s").setExplicitBucketBoundariesAdvice(List.of(0.1, 1.0)).build();
      LongCounter bytes = meter.counterBuilder("perftrace.transfer.io").setUnit("By").build();
      Tracer tracer = tracerProvider.get("it");
      Set<String> recorded = new TreeSet<>();
      for (double value : new double[] {0.05, 0.5, 5.0}) {
        Span span = tracer.spanBuilder("op").startSpan();
        Scope scope = span.makeCurrent();
        try {
          duration.record(value, GET);
          bytes.add(100, GET);
        } finally {
          scope.close();
          span.end();
        }
        recorded.add(span.getSpanContext().getTraceId());
      }
      Poll.until("3 spans at the receiver", TIMEOUT, () -> receiver.spans().size() == 3);
      Set<String> exported =
          receiver.spans().stream().map(ReceivedSpan::traceId).collect(Collectors.toSet());
      assertThat(exported).isEqualTo(recorded);

      // A scraper that cannot carry exemplars comes first, as perftrace-report --scrape or curl.
      HttpResponse<String> plain = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(plain.body()).contains("perftrace_operation_duration_seconds_count");

      String target = "127.0.0.1:" + exporter.port();
      try (PrometheusServer first = PrometheusServer.builder().addTarget(target).start();
          PrometheusServer second = PrometheusServer.builder().addTarget(target).start()) {
        for (PrometheusServer server : List.of(first, second)) {
          assertThat(awaitExemplarTraceIds(server, "perftrace_operation_duration_seconds_bucket", 3))
              .isEqualTo(recorded);
          assertThat(awaitExemplarTraceIds(server, "perftrace_transfer_io_bytes_total", 1))
              .isSubsetOf(recorded)
              .hasSize(1);
        }
      }
    }
  }

  private static Set<String> awaitExemplarTraceIds(
      PrometheusServer server, String promql, int expected) {
    return Poll.until(
        expected + " exemplar trace IDs for " + promql + " in Prometheus " + server.port(),
        TIMEOUT,
        () -> {
          Set<String> ids = new TreeSet<>();
          for (JsonNode series : server.queryExemplars(promql)) {
            for (JsonNode exemplar : series.path("exemplars")) {
              ids.add(exemplar.path("labels").path("trace_id").asText());
            }
          }
          return ids;
        },
        ids -> ids.size() >= expected);
  }

}
