package dev.perftrace.instrumentation.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.testing.Poll;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The interceptors over real grpc-java servers and channels, in-process and Netty on loopback,
 * each side with its own SDK: span names, kinds, attributes, parent/child across the hop, the
 * correlation ID, byte counts per direction against the serialized sizes, metric points, status
 * mapping, cancellation and deadlines. The build sets {@code
 * GRPC_EXPERIMENTAL_SUPPORT_TRACING_MESSAGE_SIZES=true}, without which the in-process transport
 * reports no message sizes.
 */
@SuppressWarnings("try") // correlation scopes held open around calls
class GrpcInterceptorsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  private static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  private static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  private static final AttributeKey<Long> STATUS_CODE =
      AttributeKey.longKey("rpc.grpc.status_code");
  private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  private static final AttributeKey<String> CORRELATION_ID =
      AttributeKey.stringKey("perftrace.correlation_id");
  private static final AttributeKey<Long> BYTES_SENT = AttributeKey.longKey("perftrace.bytes.sent");
  private static final AttributeKey<Long> BYTES_RECEIVED =
      AttributeKey.longKey("perftrace.bytes.received");
  private static final AttributeKey<Long> MESSAGES_SENT =
      AttributeKey.longKey("perftrace.rpc.messages.sent");
  private static final AttributeKey<Long> MESSAGES_RECEIVED =
      AttributeKey.longKey("perftrace.rpc.messages.received");

  private static String name(MethodDescriptor<?, ?> method) {
    return method.getFullMethodName();
  }

  private static SpanData onlySpan(Telemetry side, String name) {
    List<SpanData> spans =
        Poll.until("span " + name, TIMEOUT, () -> side.spansNamed(name), s -> !s.isEmpty());
    assertThat(spans).as("spans named %s", name).hasSize(1);
    return spans.get(0);
  }

  /** Duration points of {@code name}, polled: the span may be exported just before them. */
  private static Map<String, Long> durations(Telemetry side, String name) {
    return Poll.until("duration of " + name, TIMEOUT, () -> side.durations(name), d -> !d.isEmpty());
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unary_clientAndServerSpansNamedKindedAndNestedInOneTrace(Transport transport)
      throws Exception {
    try (Harness h = new Harness(transport)) {
      byte[] response;
      String callerSpanId;
      try (CorrelationScope scope = h.client.tracer.correlate("corr-unary-1");
          Operation caller = h.client.tracer.start("caller")) {
        callerSpanId = caller.span().getSpanContext().getSpanId();
        response =
            ClientCalls.blockingUnaryCall(
                h.channel, EchoService.UNARY, CallOptions.DEFAULT, ascii("hello"));
      }
      assertThat(new String(response, StandardCharsets.US_ASCII)).isEqualTo("hello!!");

      String name = "perftrace.test.Echo/Unary";
      // the client operation ends before the application's listener sees the close
      assertThat(h.client.spansNamed(name)).hasSize(1);
      SpanData client = onlySpan(h.client, name);
      SpanData server = onlySpan(h.server, name);
      SpanData caller = onlySpan(h.client, "caller");
      assertThat(h.client.spans.getFinishedSpanItems()).hasSize(2);
      assertThat(h.server.spans.getFinishedSpanItems()).hasSize(1);

      assertThat(client.getKind()).isEqualTo(SpanKind.CLIENT);
      assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(client.getParentSpanId()).isEqualTo(callerSpanId);
      assertThat(client.getTraceId()).isEqualTo(caller.getTraceId());
      assertThat(server.getTraceId()).isEqualTo(client.getTraceId());
      assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
      assertThat(server.getParentSpanContext().isRemote()).isTrue();
      for (SpanData span : List.of(client, server)) {
        assertThat(span.getAttributes().get(RPC_SYSTEM)).isEqualTo("grpc");
        assertThat(span.getAttributes().get(RPC_SERVICE)).isEqualTo("perftrace.test.Echo");
        assertThat(span.getAttributes().get(RPC_METHOD)).isEqualTo("Unary");
        assertThat(span.getAttributes().get(STATUS_CODE)).isEqualTo(0L);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().get(CORRELATION_ID)).isEqualTo("corr-unary-1");
      }
      assertThat(durations(h.client, name))
          .containsExactly(Map.entry("success null", 1L));
      assertThat(durations(h.server, name))
          .containsExactly(Map.entry("success null", 1L));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unary_serverOperationIsCurrentInTheHandlerWithTheCarriedCorrelationId(Transport transport)
      throws Exception {
    try (Harness h = new Harness(transport)) {
      try (CorrelationScope scope = h.client.tracer.correlate("corr-handler-7")) {
        ClientCalls.blockingUnaryCall(
            h.channel, EchoService.UNARY, CallOptions.DEFAULT, ascii("x"));
      }
      SpanData server = onlySpan(h.server, name(EchoService.UNARY));
      assertThat(h.service.seen).hasSize(1);
      EchoService.Seen seen = h.service.seen.peek();
      assertThat(seen.spanId()).isEqualTo(server.getSpanId());
      assertThat(seen.traceId()).isEqualTo(server.getTraceId());
      assertThat(seen.correlationId()).isEqualTo("corr-handler-7");
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unary_bytesByDirectionAreTheSerializedSizesWithTheAuthorityAsSource(Transport transport)
      throws Exception {
    try (Harness h = new Harness(transport)) {
      ClientCalls.blockingUnaryCall(
          h.channel, EchoService.UNARY, CallOptions.DEFAULT, ascii("hello"));
      String name = name(EchoService.UNARY);
      SpanData client = onlySpan(h.client, name);
      SpanData server = onlySpan(h.server, name);
      // request "hello" (5 bytes), response "hello!!" (7 bytes)
      assertThat(client.getAttributes().get(BYTES_SENT)).isEqualTo(5L);
      assertThat(client.getAttributes().get(BYTES_RECEIVED)).isEqualTo(7L);
      assertThat(server.getAttributes().get(BYTES_RECEIVED)).isEqualTo(5L);
      assertThat(server.getAttributes().get(BYTES_SENT)).isEqualTo(7L);
      assertThat(client.getAttributes().get(MESSAGES_SENT)).isEqualTo(1L);
      assertThat(client.getAttributes().get(MESSAGES_RECEIVED)).isEqualTo(1L);
      assertThat(server.getAttributes().get(MESSAGES_SENT)).isEqualTo(1L);
      assertThat(server.getAttributes().get(MESSAGES_RECEIVED)).isEqualTo(1L);
      String authority = h.authority();
      assertThat(h.client.transferIo())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("transmit " + authority, 5L, "receive " + authority, 7L));
      assertThat(h.server.transferIo())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("receive " + authority, 5L, "transmit " + authority, 7L));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void serverStreaming_countsEveryResponseMessage(Transport transport) throws Exception {
    try (Harness h = new Harness(transport)) {
      Iterator<byte[]> responses =
          ClientCalls.blockingServerStreamingCall(
              h.channel, EchoService.REPEAT, CallOptions.DEFAULT, new byte[] {4, 0, 0});
      int count = 0;
      while (responses.hasNext()) {
        assertThat(responses.next()).hasSize(10);
        count++;
      }
      assertThat(count).isEqualTo(4);
      SpanData client = onlySpan(h.client, name(EchoService.REPEAT));
      SpanData server = onlySpan(h.server, name(EchoService.REPEAT));
      assertThat(client.getAttributes().get(BYTES_SENT)).isEqualTo(3L);
      assertThat(client.getAttributes().get(BYTES_RECEIVED)).isEqualTo(40L);
      assertThat(client.getAttributes().get(MESSAGES_RECEIVED)).isEqualTo(4L);
      assertThat(server.getAttributes().get(BYTES_SENT)).isEqualTo(40L);
      assertThat(server.getAttributes().get(MESSAGES_SENT)).isEqualTo(4L);
      assertThat(server.getAttributes().get(STATUS_CODE)).isEqualTo(0L);
      assertThat(h.client.transferIo())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("transmit " + h.authority(), 3L, "receive " + h.authority(), 40L));
      // four messages, one transfer record per direction for the call
      assertThat(h.client.transferSizeCounts())
          .containsExactlyInAnyOrderEntriesOf(Map.of("transmit", 1L, "receive", 1L));
    }
  }

  /** Collects a call's responses into a future. */
  private static final class Collector implements StreamObserver<byte[]> {
    final List<byte[]> messages = new ArrayList<>();
    final CompletableFuture<List<byte[]>> done = new CompletableFuture<>();

    @Override
    public synchronized void onNext(byte[] value) {
      messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public synchronized void onCompleted() {
      done.complete(messages);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void clientStreaming_countsEveryRequestMessage(Transport transport) throws Exception {
    try (Harness h = new Harness(transport)) {
      Collector collector = new Collector();
      StreamObserver<byte[]> requests =
          ClientCalls.asyncClientStreamingCall(
              h.channel.newCall(EchoService.SUM, CallOptions.DEFAULT), collector);
      requests.onNext(new byte[6]);
      requests.onNext(new byte[7]);
      requests.onNext(new byte[8]);
      requests.onCompleted();
      List<byte[]> responses = collector.done.get(20, TimeUnit.SECONDS);
      assertThat(responses).hasSize(1);
      assertThat(new String(responses.get(0), StandardCharsets.US_ASCII)).isEqualTo("21");
      SpanData client = onlySpan(h.client, name(EchoService.SUM));
      SpanData server = onlySpan(h.server, name(EchoService.SUM));
      assertThat(client.getAttributes().get(BYTES_SENT)).isEqualTo(21L);
      assertThat(client.getAttributes().get(BYTES_RECEIVED)).isEqualTo(2L);
      assertThat(client.getAttributes().get(MESSAGES_SENT)).isEqualTo(3L);
      assertThat(server.getAttributes().get(BYTES_RECEIVED)).isEqualTo(21L);
      assertThat(server.getAttributes().get(MESSAGES_RECEIVED)).isEqualTo(3L);
      assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
      assertThat(h.server.transferIo())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of("receive " + h.authority(), 21L, "transmit " + h.authority(), 2L));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void bidiStreaming_countsEveryMessageBothWays_withTheOperationCurrentInEachCallback(
      Transport transport) throws Exception {
    try (Harness h = new Harness(transport)) {
      Collector collector = new Collector();
      StreamObserver<byte[]> requests =
          ClientCalls.asyncBidiStreamingCall(
              h.channel.newCall(EchoService.CHAT, CallOptions.DEFAULT), collector);
      for (int size = 1; size <= 5; size++) {
        requests.onNext(new byte[size * 100]);
      }
      requests.onCompleted();
      assertThat(collector.done.get(20, TimeUnit.SECONDS)).hasSize(5);
      SpanData client = onlySpan(h.client, name(EchoService.CHAT));
      SpanData server = onlySpan(h.server, name(EchoService.CHAT));
      assertThat(client.getAttributes().get(BYTES_SENT)).isEqualTo(1500L);
      assertThat(client.getAttributes().get(BYTES_RECEIVED)).isEqualTo(1500L);
      assertThat(client.getAttributes().get(MESSAGES_SENT)).isEqualTo(5L);
      assertThat(client.getAttributes().get(MESSAGES_RECEIVED)).isEqualTo(5L);
      assertThat(server.getAttributes().get(BYTES_SENT)).isEqualTo(1500L);
      assertThat(server.getAttributes().get(BYTES_RECEIVED)).isEqualTo(1500L);
      assertThat(h.service.seen).hasSize(5);
      assertThat(h.service.seen).allSatisfy(s -> assertThat(s.spanId()).isEqualTo(server.getSpanId()));
      assertThat(durations(h.client, name(EchoService.CHAT)))
          .containsExactly(Map.entry("success null", 1L));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void errorStatus_isErrorWithTheCodeNameOnSpansAndMetrics(Transport transport) throws Exception {
    try (Harness h = new Harness(transport)) {
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      h.channel, EchoService.FAIL, CallOptions.DEFAULT, ascii("q")))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      String name = name(EchoService.FAIL);
      for (Telemetry side : List.of(h.client, h.server)) {
        SpanData span = onlySpan(side, name);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("UNAVAILABLE");
        assertThat(span.getAttributes().get(STATUS_CODE)).isEqualTo(14L);
        assertThat(durations(side, name))
          .containsExactly(Map.entry("error UNAVAILABLE", 1L));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void handlerThrows_isUnknownOnBothSides_andTheCallerSeesGrpcsStatus(Transport transport)
      throws Exception {
    try (Harness h = new Harness(transport)) {
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      h.channel, EchoService.THROW, CallOptions.DEFAULT, ascii("q")))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
      String name = name(EchoService.THROW);
      for (Telemetry side : List.of(h.client, h.server)) {
        SpanData span = onlySpan(side, name);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("UNKNOWN");
        assertThat(span.getAttributes().get(STATUS_CODE)).isEqualTo(2L);
        assertThat(durations(side, name))
          .containsExactly(Map.entry("error UNKNOWN", 1L));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void deadline_isDeadlineExceededOnBothSides(Transport transport) throws Exception {
    try (Harness h = new Harness(transport)) {
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      h.channel,
                      EchoService.HANG,
                      CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS),
                      ascii("q")))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
      String name = name(EchoService.HANG);
      for (Telemetry side : List.of(h.client, h.server)) {
        SpanData span = onlySpan(side, name);
        assertThat(span.getAttributes().get(ERROR_TYPE)).as(side.toString()).isEqualTo("DEADLINE_EXCEEDED");
        assertThat(span.getAttributes().get(STATUS_CODE)).isEqualTo(4L);
        assertThat(durations(side, name))
          .containsExactly(Map.entry("error DEADLINE_EXCEEDED", 1L));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void clientCancel_isCancelledOnBothSides_endingEachOperationOnce(Transport transport)
      throws Exception {
    try (Harness h = new Harness(transport)) {
      ClientCall<byte[], byte[]> call = h.channel.newCall(EchoService.HANG, CallOptions.DEFAULT);
      Collector collector = new Collector();
      ClientCalls.asyncUnaryCall(call, ascii("q"), collector);
      assertThat(h.service.hanging.await(20, TimeUnit.SECONDS)).isTrue();
      call.cancel("test cancels", null);
      assertThatThrownBy(() -> collector.done.get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(StatusRuntimeException.class);
      String name = name(EchoService.HANG);
      for (Telemetry side : List.of(h.client, h.server)) {
        SpanData span = onlySpan(side, name);
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
        assertThat(span.getAttributes().get(STATUS_CODE)).isEqualTo(1L);
        assertThat(durations(side, name))
          .containsExactly(Map.entry("cancelled null", 1L));
      }
      call.cancel("again", null); // a second cancel ends nothing more
      assertThat(h.client.spansNamed(name)).hasSize(1);
      assertThat(durations(h.client, name))
          .containsExactly(Map.entry("cancelled null", 1L));
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void afterCalls_noContextIsLeftOnTheCallerOrTheCallbackThreads(Transport transport)
      throws Exception {
    try (Harness h = new Harness(transport)) {
      Context before = Context.current();
      ClientCalls.blockingUnaryCall(h.channel, EchoService.UNARY, CallOptions.DEFAULT, ascii("a"));
      Collector collector = new Collector();
      StreamObserver<byte[]> requests =
          ClientCalls.asyncBidiStreamingCall(
              h.channel.newCall(EchoService.CHAT, CallOptions.DEFAULT), collector);
      requests.onNext(new byte[3]);
      requests.onCompleted();
      collector.done.get(20, TimeUnit.SECONDS);
      onlySpan(h.server, name(EchoService.CHAT));
      assertThat(Context.current()).isSameAs(before);
      assertThat(h.serverExecutor.submit(Context::current).get(20, TimeUnit.SECONDS))
          .isSameAs(Context.root());
      assertThat(h.clientExecutor.submit(Context::current).get(20, TimeUnit.SECONDS))
          .isSameAs(Context.root());
      assertThat(h.serverExecutor.submit(() -> Span.current().getSpanContext().isValid()).get())
          .isFalse();
    }
  }
}
