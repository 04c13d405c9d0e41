package dev.perftrace.agentit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link GrpcAgentApp} in its own JVM under the real OpenTelemetry Java agent (its gRPC
 * instrumentation on, as by default) with PerfTrace's gRPC interceptors on the same server and
 * channel, and checks the exact span set the test kit's OTLP receiver gets: the agent's client and
 * server span per call and no PerfTrace duplicate, PerfTrace's metrics recorded beside them.
 */
class GrpcAgentIT {
  // generous: the agent starts slowly on a loaded machine
  private static final Duration TIMEOUT = Duration.ofSeconds(240);
  private static final String AGENT_GRPC_SCOPE = "io.opentelemetry.grpc-1.6";
  private static final String PERFTRACE_SCOPE = "dev.perftrace.agentit.grpc";
  private static final List<String> METHODS = List.of("Unary", "Repeat", "Fail");

  private static OtlpGrpcReceiver receiver;
  private static Map<String, String> printed;
  private static List<ReceivedSpan> trace;

  @BeforeAll
  static void runTheApplicationUnderTheAgent() throws IOException, InterruptedException {
    receiver = OtlpGrpcReceiver.start();
    printed = AgentRun.run(receiver, TIMEOUT, GrpcAgentApp.class, "perftrace-grpc-agent-it");
    String traceId = printed.get("caller.trace_id");
    // the caller and, per call, one client and one server span: 7; waits a little longer for
    // any further span of the trace so that a duplicate would be seen
    trace =
        Poll.until(
            "7 spans of trace " + traceId,
            TIMEOUT,
            () -> spansOf(traceId),
            spans -> spans.size() >= 7);
    Poll.until(
        "perftrace.operation.duration",
        TIMEOUT,
        () -> receiver.metricNames().contains("perftrace.operation.duration"));
    trace = spansOf(traceId); // the process has exited: every span was exported before the metrics
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

  private static ReceivedSpan span(String name, SpanKind kind) {
    List<ReceivedSpan> found =
        trace.stream()
            .filter(s -> s.name().equals(name) && s.proto().getKind() == kind)
            .collect(Collectors.toList());
    assertThat(found).as("%s spans named %s in %s", kind, name, trace).hasSize(1);
    return found.get(0);
  }

  private static String full(String method) {
    return GrpcAgentApp.SERVICE + "/" + method;
  }

  @Test
  void theApplicationSawEveryCallsResult() {
    assertThat(printed.get("unary.response")).isEqualTo("hello!!");
    assertThat(printed.get("repeat.messages")).isEqualTo("4");
    assertThat(printed.get("fail.status")).isEqualTo("UNAVAILABLE");
    assertThat(printed.get("caller.after_calls.span_id")).isEqualTo(printed.get("caller.span_id"));
  }

  @Test
  void exactSpanSet_isTheCallerAndTheAgentsClientAndServerSpanPerCall_noDuplicate() {
    assertThat(trace).hasSize(7);
    Map<String, Long> byNameKindScope =
        trace.stream()
            .collect(
                Collectors.groupingBy(
                    s -> s.name() + " " + s.proto().getKind() + " " + s.scopeName(),
                    TreeMap::new,
                    Collectors.counting()));
    Map<String, Long> expected = new TreeMap<>();
    expected.put("grpc-caller SPAN_KIND_INTERNAL " + PERFTRACE_SCOPE, 1L);
    for (String method : METHODS) {
      expected.put(full(method) + " SPAN_KIND_CLIENT " + AGENT_GRPC_SCOPE, 1L);
      expected.put(full(method) + " SPAN_KIND_SERVER " + AGENT_GRPC_SCOPE, 1L);
    }
    assertThat(byNameKindScope).isEqualTo(expected);
  }

  @Test
  void agentSpans_nestUnderTheCallerAndEachOther() {
    ReceivedSpan caller = span("grpc-caller", SpanKind.SPAN_KIND_INTERNAL);
    assertThat(caller.spanId()).isEqualTo(printed.get("caller.span_id"));
    for (String method : METHODS) {
      ReceivedSpan client = span(full(method), SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan server = span(full(method), SpanKind.SPAN_KIND_SERVER);
      assertThat(client.parentSpanId()).as(method).isEqualTo(caller.spanId());
      assertThat(server.parentSpanId()).as(method).isEqualTo(client.spanId());
      assertThat(printed.get("handler." + method.toLowerCase() + ".span_id"))
          .as("span current in the %s handler", method)
          .isEqualTo(server.spanId());
    }
  }

  @Test
  void correlationId_crossesTheHop_andLandsOnTheAgentsSpans() {
    for (String method : METHODS) {
      assertThat(printed.get("handler." + method.toLowerCase() + ".correlation_id"))
          .isEqualTo(GrpcAgentApp.CORRELATION_ID);
    }
    assertThat(trace).hasSize(7);
    assertThat(trace)
        .allSatisfy(
            s ->
                assertThat(s.attribute("perftrace.correlation_id"))
                    .as(s.name() + " " + s.proto().getKind())
                    .isEqualTo(GrpcAgentApp.CORRELATION_ID));
  }

  @Test
  void perfTraceMetrics_areRecordedForBothSidesOfEveryCall() {
    // client and server are in one process with one tracer: two points per call
    assertThat(durations(full("Unary"))).containsExactly(Map.entry("success null", 2L));
    assertThat(durations(full("Repeat"))).containsExactly(Map.entry("success null", 2L));
    // stepping aside, the status code name, as on PerfTrace's own spans
    assertThat(durations(full("Fail"))).containsExactly(Map.entry("error UNAVAILABLE", 2L));
  }

  @Test
  void perfTraceBytes_areTheSerializedSizesByDirection() {
    String authority = printed.get("authority");
    // client sent 5 + 3 + 1, server sent 7 + 40 (+ nothing for Fail); each side receives the other's
    assertThat(transferIo())
        .isEqualTo(Map.of("receive " + authority, 56L, "transmit " + authority, 56L));
  }

  private static Map<String, Long> durations(String operation) {
    return AgentRun.durations(receiver, operation);
  }

  private static Map<String, Long> transferIo() {
    return AgentRun.transferIo(receiver);
  }
}
