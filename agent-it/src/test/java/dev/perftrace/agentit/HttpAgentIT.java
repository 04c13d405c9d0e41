package dev.perftrace.agentit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link HttpAgentApp} in its own JVM under the real OpenTelemetry Java agent, whose own
 * instrumentation of the JDK HttpClient and HttpServer is on (the defaults), with PerfTrace's
 * {@code PerfTraceHttpClient} and {@code PerfTraceHttpFilter} on the same exchange, and checks the
 * exact span set exported to the test kit's OTLP receiver: one CLIENT and one SERVER span (the
 * agent's), PerfTrace stepping aside with metrics and enrichment only.
 */
class HttpAgentIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String CLIENT_SCOPE = "dev.perftrace.agentit.client";
  private static final String SERVER_SCOPE = "dev.perftrace.agentit.server";

  private static OtlpGrpcReceiver receiver;
  private static Map<String, String> printed;
  private static List<ReceivedSpan> trace;

  @BeforeAll
  static void runTheApplicationUnderTheAgent() throws IOException, InterruptedException {
    receiver = OtlpGrpcReceiver.start();
    printed =
        AgentRun.run(
            receiver,
            TIMEOUT,
            HttpAgentApp.class,
            "perftrace-http-agent-it");
    String traceId = printed.get("outer.trace_id");
    // outer, the agent's client and server spans, handle; give stragglers the same deadline
    trace =
        Poll.until(
            "4 spans of trace " + traceId,
            TIMEOUT,
            () -> receiver.spans().stream()
                .filter(s -> s.traceId().equals(traceId))
                .collect(Collectors.toList()),
            spans -> spans.size() >= 4);
    Poll.until(
        "perftrace.operation.duration",
        TIMEOUT,
        () -> receiver.metricNames().contains("perftrace.operation.duration"));
  }

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
  }

  private static List<ReceivedSpan> ofKind(SpanKind kind) {
    return trace.stream().filter(s -> s.proto().getKind() == kind).collect(Collectors.toList());
  }

  private static ReceivedSpan named(String name) {
    List<ReceivedSpan> named =
        trace.stream().filter(s -> s.name().equals(name)).collect(Collectors.toList());
    assertThat(named).as("spans named %s in %s", name, trace).hasSize(1);
    return named.get(0);
  }

  @Test
  void exchange_exportsExactlyOneClientAndOneServerSpan() {
    assertThat(printed).containsEntry("http.status", "200").containsEntry("http.body_bytes", "4321");
    assertThat(trace).hasSize(4);
    assertThat(receiver.spans()).as("every exported span").hasSize(4);
    assertThat(ofKind(SpanKind.SPAN_KIND_CLIENT)).extracting(ReceivedSpan::name).containsExactly("POST");
    assertThat(ofKind(SpanKind.SPAN_KIND_SERVER)).extracting(ReceivedSpan::name)
        .containsExactly("POST /echo");
    assertThat(ofKind(SpanKind.SPAN_KIND_CLIENT)).hasSize(1);
    assertThat(ofKind(SpanKind.SPAN_KIND_SERVER)).hasSize(1);
    assertThat(ofKind(SpanKind.SPAN_KIND_INTERNAL))
        .extracting(ReceivedSpan::name)
        .containsExactlyInAnyOrder("outer", "handle");
    // the HTTP spans are the agent's; PerfTrace made none
    assertThat(ofKind(SpanKind.SPAN_KIND_CLIENT).get(0).scopeName())
        .isNotIn(CLIENT_SCOPE, SERVER_SCOPE);
    assertThat(ofKind(SpanKind.SPAN_KIND_SERVER).get(0).scopeName())
        .isNotIn(CLIENT_SCOPE, SERVER_SCOPE);
  }

  @Test
  void exchange_spansNestOuterClientServerHandle() {
    ReceivedSpan outer = named("outer");
    ReceivedSpan client = ofKind(SpanKind.SPAN_KIND_CLIENT).get(0);
    ReceivedSpan server = ofKind(SpanKind.SPAN_KIND_SERVER).get(0);
    ReceivedSpan handle = named("handle");
    assertThat(outer.parentSpanId()).isEmpty();
    assertThat(client.parentSpanId()).isEqualTo(outer.spanId());
    assertThat(server.parentSpanId()).isEqualTo(client.spanId());
    assertThat(handle.parentSpanId()).isEqualTo(server.spanId());
    assertThat(client.attribute("http.request.method")).isEqualTo("POST");
  }

  @Test
  void serverSpan_isEnrichedWithCorrelationIdAndByteTotals() {
    ReceivedSpan server = ofKind(SpanKind.SPAN_KIND_SERVER).get(0);
    assertThat(server.attribute("perftrace.correlation_id")).isEqualTo(HttpAgentApp.CORRELATION_ID);
    assertThat(server.attribute("perftrace.bytes.received")).isEqualTo("1234");
    assertThat(server.attribute("perftrace.bytes.sent")).isEqualTo("4321");
    assertThat(named("handle").attribute("perftrace.correlation_id"))
        .isEqualTo(HttpAgentApp.CORRELATION_ID);
  }

  @Test
  void outerOperation_getsTheClientsByteTotals() {
    ReceivedSpan outer = named("outer");
    assertThat(outer.attribute("perftrace.bytes.sent")).isEqualTo("1234");
    assertThat(outer.attribute("perftrace.bytes.received")).isEqualTo("4321");
  }

  @Test
  void metrics_recordEachSidesDurationAndBytes() {
    assertThat(durationCounts(CLIENT_SCOPE)).containsExactlyInAnyOrderEntriesOf(
        Map.of("outer/success", 1L, "POST/success", 1L));
    assertThat(durationCounts(SERVER_SCOPE)).containsExactlyInAnyOrderEntriesOf(
        Map.of("handle/success", 1L, "POST /echo/success", 1L));
    String authority = "127.0.0.1:" + printed.get("server.port");
    assertThat(byteSums(CLIENT_SCOPE))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("transmit " + authority, 1234L, "receive " + authority, 4321L));
    assertThat(byteSums(SERVER_SCOPE))
        .containsExactlyInAnyOrderEntriesOf(Map.of("receive /echo", 1234L, "transmit /echo", 4321L));
  }

  private static List<Metric> metricsOf(String scope, String name) {
    List<Metric> metrics = new ArrayList<>();
    for (ExportMetricsServiceRequest request : receiver.metricRequests()) {
      for (ResourceMetrics resource : request.getResourceMetricsList()) {
        for (ScopeMetrics scopeMetrics : resource.getScopeMetricsList()) {
          if (scopeMetrics.getScope().getName().equals(scope)) {
            for (Metric metric : scopeMetrics.getMetricsList()) {
              if (metric.getName().equals(name)) {
                metrics.add(metric);
              }
            }
          }
        }
      }
    }
    return metrics;
  }

  /** operation/outcome to count. */
  private static Map<String, Long> durationCounts(String scope) {
    Map<String, Long> counts = new HashMap<>();
    for (Metric metric : metricsOf(scope, "perftrace.operation.duration")) {
      for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
        counts.merge(
            attribute(point.getAttributesList(), "perftrace.operation.name")
                + "/"
                + attribute(point.getAttributesList(), "perftrace.operation.outcome"),
            point.getCount(),
            Long::sum);
      }
    }
    return counts;
  }

  /** "direction source" to bytes. */
  private static Map<String, Long> byteSums(String scope) {
    Map<String, Long> sums = new HashMap<>();
    for (Metric metric : metricsOf(scope, "perftrace.transfer.io")) {
      for (NumberDataPoint point : metric.getSum().getDataPointsList()) {
        sums.merge(
            attribute(point.getAttributesList(), "network.io.direction")
                + " "
                + attribute(point.getAttributesList(), "perftrace.transfer.source"),
            point.getAsInt(),
            Long::sum);
      }
    }
    return sums;
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }
}
