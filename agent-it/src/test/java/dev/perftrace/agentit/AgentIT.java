package dev.perftrace.agentit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link AgentApp} in its own JVM under the real OpenTelemetry Java agent (copied from Maven
 * Central into {@code target/agent} by the build), exporting OTLP/gRPC to the test kit's receiver,
 * and checks what an application with the agent gets from PerfTrace. The scenario runs once for
 * all tests; each test checks one behaviour.
 */
class AgentIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
            AgentApp.class,
            "perftrace-agent-it",
            // the agent's baggage span processor puts the correlation ID on its own spans too
            "-Dotel.java.experimental.span-attributes.copy-from-baggage.include="
                + "perftrace.correlation_id");
    String traceId = printed.get("outer.current.trace_id");
    // the SDK flushes at shutdown; the spans of the trace: outer, inner, HTTP client, HTTP server
    trace =
        Poll.until(
            "4 spans of trace " + traceId,
            TIMEOUT,
            () -> spansOf(traceId),
            spans -> spans.size() == 4);
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

  private static List<ReceivedSpan> spansOf(String traceId) {
    return receiver.spans().stream()
        .filter(s -> s.traceId().equals(traceId))
        .collect(Collectors.toList());
  }

  private static ReceivedSpan span(String name) {
    List<ReceivedSpan> named =
        trace.stream().filter(s -> s.name().equals(name)).collect(Collectors.toList());
    assertThat(named).as("spans named %s in %s", name, trace).hasSize(1);
    return named.get(0);
  }

  private static ReceivedSpan spanOfKind(SpanKind kind) {
    List<ReceivedSpan> ofKind =
        trace.stream().filter(s -> s.proto().getKind() == kind).collect(Collectors.toList());
    assertThat(ofKind).as("%s spans in %s", kind, trace).hasSize(1);
    return ofKind.get(0);
  }

  @Test
  void spanCurrent_insideAnOperationIsItsSpan() {
    ReceivedSpan outer = span("outer");
    ReceivedSpan inner = span("inner");
    assertThat(printed.get("outer.current.span_id")).isEqualTo(outer.spanId());
    assertThat(printed.get("inner.current.span_id")).isEqualTo(inner.spanId());
    assertThat(printed.get("inner.current.trace_id")).isEqualTo(outer.traceId());
  }

  @Test
  void nestedOperations_areParentAndChild() {
    ReceivedSpan outer = span("outer");
    ReceivedSpan inner = span("inner");
    assertThat(outer.parentSpanId()).isEmpty();
    assertThat(inner.parentSpanId()).isEqualTo(outer.spanId());
    assertThat(inner.traceId()).isEqualTo(outer.traceId());
  }

  @Test
  void httpClientCallInsideAnOperation_isItsChild() {
    ReceivedSpan client = spanOfKind(SpanKind.SPAN_KIND_CLIENT);
    ReceivedSpan server = spanOfKind(SpanKind.SPAN_KIND_SERVER);
    assertThat(printed.get("http.status")).isEqualTo("200");
    assertThat(client.parentSpanId()).isEqualTo(span("inner").spanId());
    assertThat(client.attribute("http.request.method")).isEqualTo("GET");
    assertThat(server.parentSpanId()).isEqualTo(client.spanId());
  }

  @Test
  void byteAndCacheTotals_landOnTheOperationSpans() {
    Map<String, String> inner = span("inner").attributes();
    assertThat(inner.get("perftrace.bytes.received")).isEqualTo("5");
    assertThat(inner.get("perftrace.bytes.sent")).isNull();
    assertThat(inner.get("perftrace.cache.hits")).isEqualTo("1");
    assertThat(inner.get("perftrace.cache.misses")).isEqualTo("1");
    Map<String, String> outer = span("outer").attributes();
    assertThat(outer.get("perftrace.bytes.sent")).isEqualTo("7");
    assertThat(outer.get("perftrace.bytes.received")).isNull();
    assertThat(outer.get("perftrace.cache.hits")).isNull();
  }

  @Test
  void correlationId_isOnEverySpanOfTheTrace() {
    assertThat(trace).hasSize(4);
    assertThat(trace)
        .allSatisfy(
            s ->
                assertThat(s.attribute("perftrace.correlation_id"))
                    .as(s.name())
                    .isEqualTo(AgentApp.CORRELATION_ID));
  }

  @Test
  void durationExemplars_carryTheOperationsTraceAndSpan() {
    for (String name : List.of("outer", "inner")) {
      List<HistogramDataPoint> points = durationPoints(name);
      assertThat(points).as(name).hasSize(1);
      HistogramDataPoint point = points.get(0);
      assertThat(point.getCount()).isEqualTo(1);
      assertThat(attribute(point.getAttributesList(), "perftrace.operation.outcome"))
          .isEqualTo("success");
      List<Exemplar> exemplars = point.getExemplarsList();
      assertThat(exemplars).as(name).hasSize(1);
      assertThat(hex(exemplars.get(0).getTraceId().toByteArray()))
          .isEqualTo(span(name).traceId());
      assertThat(hex(exemplars.get(0).getSpanId().toByteArray())).isEqualTo(span(name).spanId());
    }
  }

  private static List<HistogramDataPoint> durationPoints(String operation) {
    List<HistogramDataPoint> points = new ArrayList<>();
    for (Metric metric : receiver.metrics()) {
      if (metric.getName().equals("perftrace.operation.duration")) {
        for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
          if (operation.equals(attribute(point.getAttributesList(), "perftrace.operation.name"))) {
            points.add(point);
          }
        }
      }
    }
    return points;
  }

  private static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
