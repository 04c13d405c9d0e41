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
 * {@link GrpcAgentApp} under the real agent with the agent's gRPC instrumentation off ({@code
 * -Dotel.instrumentation.grpc.enabled=false}): PerfTrace's own client and server spans are the
 * calls' spans, exported through the agent, nested under the caller and each other.
 */
class GrpcAgentOwnSpansIT {
  // generous: the agent starts slowly on a loaded machine
  private static final Duration TIMEOUT = Duration.ofSeconds(240);
  private static final String PERFTRACE_SCOPE = "dev.perftrace.agentit.grpc";
  private static final List<String> METHODS = List.of("Unary", "Repeat", "Fail");

  private static OtlpGrpcReceiver receiver;
  private static Map<String, String> printed;
  private static List<ReceivedSpan> trace;

  @BeforeAll
  static void runTheApplicationUnderTheAgent() throws IOException, InterruptedException {
    receiver = OtlpGrpcReceiver.start();
    printed = AgentRun.run(receiver, TIMEOUT, GrpcAgentApp.class, "perftrace-grpc-agent-it", "-Dotel.instrumentation.grpc.enabled=false");
    String traceId = printed.get("caller.trace_id");
    Poll.until(
        "perftrace.operation.duration",
        TIMEOUT,
        () -> receiver.metricNames().contains("perftrace.operation.duration"));
    // the process has exited: every span was exported before the metrics
    trace =
        receiver.spans().stream()
            .filter(s -> s.traceId().equals(traceId))
            .collect(Collectors.toList());
  }

  @AfterAll
  static void stopReceiver() {
    if (receiver != null) {
      receiver.close();
    }
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
  void exactSpanSet_isTheCallerAndPerfTracesClientAndServerSpanPerCall() {
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
      expected.put(full(method) + " SPAN_KIND_CLIENT " + PERFTRACE_SCOPE, 1L);
      expected.put(full(method) + " SPAN_KIND_SERVER " + PERFTRACE_SCOPE, 1L);
    }
    assertThat(byNameKindScope).isEqualTo(expected);
  }

  @Test
  void perfTraceSpans_nestUnderTheCallerAndEachOther_withTheHandlersSeeingTheServerSpan() {
    ReceivedSpan caller = span("grpc-caller", SpanKind.SPAN_KIND_INTERNAL);
    for (String method : METHODS) {
      ReceivedSpan client = span(full(method), SpanKind.SPAN_KIND_CLIENT);
      ReceivedSpan server = span(full(method), SpanKind.SPAN_KIND_SERVER);
      assertThat(client.parentSpanId()).as(method).isEqualTo(caller.spanId());
      assertThat(server.parentSpanId()).as(method).isEqualTo(client.spanId());
      assertThat(printed.get("handler." + method.toLowerCase() + ".span_id"))
          .isEqualTo(server.spanId());
      assertThat(printed.get("handler." + method.toLowerCase() + ".correlation_id"))
          .isEqualTo(GrpcAgentApp.CORRELATION_ID);
      assertThat(client.attribute("perftrace.correlation_id"))
          .isEqualTo(GrpcAgentApp.CORRELATION_ID);
      assertThat(server.attribute("perftrace.correlation_id"))
          .isEqualTo(GrpcAgentApp.CORRELATION_ID);
    }
  }

  @Test
  void statusMapping_isOnPerfTracesSpansAndMetrics() {
    for (SpanKind kind : List.of(SpanKind.SPAN_KIND_CLIENT, SpanKind.SPAN_KIND_SERVER)) {
      ReceivedSpan fail = span(full("Fail"), kind);
      assertThat(fail.attribute("rpc.grpc.status_code")).isEqualTo("14");
      assertThat(fail.attribute("error.type")).isEqualTo("UNAVAILABLE");
      assertThat(span(full("Unary"), kind).attribute("rpc.grpc.status_code")).isEqualTo("0");
      assertThat(span(full("Unary"), kind).attribute("rpc.system")).isEqualTo("grpc");
    }
    assertThat(AgentRun.durations(receiver, full("Unary")))
        .containsExactly(Map.entry("success null", 2L));
    assertThat(AgentRun.durations(receiver, full("Fail")))
        .containsExactly(Map.entry("error UNAVAILABLE", 2L));
  }

  @Test
  void bytes_areOnTheSpansAndTheMetrics() {
    assertThat(span(full("Repeat"), SpanKind.SPAN_KIND_CLIENT).attribute("perftrace.bytes.received"))
        .isEqualTo("40");
    assertThat(span(full("Repeat"), SpanKind.SPAN_KIND_SERVER).attribute("perftrace.bytes.sent"))
        .isEqualTo("40");
    String authority = printed.get("authority");
    assertThat(AgentRun.transferIo(receiver))
        .isEqualTo(Map.of("receive " + authority, 56L, "transmit " + authority, 56L));
  }
}
