package dev.perftrace.instrumentation.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perftrace.CorrelationScope;
import dev.perftrace.PerfTracer;
import dev.perftrace.testing.Poll;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stepping aside, without the Java agent: plain OpenTelemetry interceptors placed where the agent
 * puts its own (client: between PerfTrace and the transport, its span current while the call
 * starts; server: before PerfTrace, its span current in the handler) own the call's spans, and
 * PerfTrace records only its metrics. The real agent is in agent-it's {@code GrpcAgentIT}; the
 * no-op tracer passes calls through.
 */
@SuppressWarnings("try") // scopes held open around calls
class StepAsideIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final Telemetry client = new Telemetry("grpc-client");
  private final Telemetry server = new Telemetry("grpc-server");
  private final EchoService service = new EchoService(server.tracer);
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private Server grpcServer;
  private ManagedChannel channel;

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (grpcServer != null) {
      grpcServer.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    executor.shutdownNow();
    client.close();
    server.close();
  }

  private static final TextMapSetter<Metadata> SETTER =
      (carrier, key, value) ->
          carrier.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);

  private static final TextMapGetter<Metadata> GETTER =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation")
        public Iterable<String> keys(Metadata carrier) {
          return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
          return carrier == null
              ? null
              : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
      };

  /**
   * Like the agent's client interceptor: a CLIENT span, injected into the metadata and current
   * while the call starts.
   */
  private static ClientInterceptor rawClientSpans(Telemetry side) {
    Tracer tracer = side.sdk.getTracer("raw");
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(
          MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        Span span =
            tracer.spanBuilder(method.getFullMethodName()).setSpanKind(SpanKind.CLIENT).startSpan();
        Context context = Context.current().with(span);
        return new ForwardingClientCall.SimpleForwardingClientCall<>(
            next.newCall(method, callOptions)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            side.sdk.getPropagators().getTextMapPropagator().inject(context, headers, SETTER);
            try (Scope ignored = context.makeCurrent()) {
              super.start(
                  new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                      span.end();
                      super.onClose(status, trailers);
                    }
                  },
                  headers);
            }
          }
        };
      }
    };
  }

  /**
   * Like the agent's server interceptor: a SERVER span, child of the extracted context, current
   * in startCall and callbacks.
   */
  private static ServerInterceptor rawServerSpans(Telemetry side) {
    Tracer tracer = side.sdk.getTracer("raw");
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context extracted =
            side.sdk
                .getPropagators()
                .getTextMapPropagator()
                .extract(Context.current(), headers, GETTER);
        Span span =
            tracer
                .spanBuilder(call.getMethodDescriptor().getFullMethodName())
                .setParent(extracted)
                .setSpanKind(SpanKind.SERVER)
                .startSpan();
        Context context = extracted.with(span);
        ServerCall.Listener<Q> listener;
        try (Scope ignored = context.makeCurrent()) {
          listener = next.startCall(call, headers);
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onHalfClose() {
            try (Scope ignored = context.makeCurrent()) {
              super.onHalfClose();
            }
          }

          @Override
          public void onComplete() {
            super.onComplete();
            span.end();
          }

          @Override
          public void onCancel() {
            super.onCancel();
            span.end();
          }
        };
      }
    };
  }

  private void start(PerfTraceGrpc clientGrpc, PerfTraceGrpc serverGrpc, boolean rawSpans)
      throws Exception {
    String name = "step-aside-" + System.nanoTime();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).executor(executor);
    if (rawSpans) {
      builder.addStreamTracerFactory(serverGrpc.serverStreamTracerFactory());
      // added after PerfTrace's: runs first, as the agent's does
      builder.addService(
          ServerInterceptors.intercept(
              service.definition(),
              serverGrpc.serverInterceptor(),
              rawServerSpans(server)));
    } else {
      serverGrpc.instrumentServer(builder).addService(service.definition());
    }
    grpcServer = builder.build().start();
    ManagedChannel raw = InProcessChannelBuilder.forName(name).executor(executor).build();
    channel = raw;
    Channel intercepted =
        rawSpans
            // the raw interceptor closest to the transport, as the agent's is
            ? ClientInterceptors.intercept(
                ClientInterceptors.intercept(raw, rawClientSpans(client)),
                clientGrpc.clientInterceptor())
            : ClientInterceptors.intercept(raw, clientGrpc.clientInterceptor());
    this.intercepted = intercepted;
  }

  private Channel intercepted;

  private static SpanData only(List<SpanData> spans) {
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  @Test
  void innerInstrumentationsSpans_perfTraceStepsAside_recordingOnlyMetrics() throws Exception {
    start(PerfTraceGrpc.create(client.tracer), PerfTraceGrpc.create(server.tracer), true);
    String name = EchoService.UNARY.getFullMethodName();
    try (CorrelationScope scope = client.tracer.correlate("aside-1")) {
      ClientCalls.blockingUnaryCall(
          intercepted, EchoService.UNARY, CallOptions.DEFAULT, "hello".getBytes(StandardCharsets.US_ASCII));
    }
    Poll.until("server span", TIMEOUT, () -> server.spans.getFinishedSpanItems().size() == 1);
    SpanData clientSpan = only(client.spans.getFinishedSpanItems());
    SpanData serverSpan = only(server.spans.getFinishedSpanItems());
    assertThat(clientSpan.getInstrumentationScopeInfo().getName()).isEqualTo("raw");
    assertThat(serverSpan.getInstrumentationScopeInfo().getName()).isEqualTo("raw");
    assertThat(clientSpan.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(serverSpan.getTraceId()).isEqualTo(clientSpan.getTraceId());
    assertThat(clientSpan.getAttributes().get(AttributeKey.stringKey("perftrace.correlation_id")))
        .isEqualTo("aside-1");
    assertThat(service.seen).hasSize(1);
    EchoService.Seen seen = service.seen.peek();
    assertThat(seen.spanId()).isEqualTo(serverSpan.getSpanId());
    assertThat(seen.correlationId()).isEqualTo("aside-1");
    assertThat(
            Poll.until("client duration", TIMEOUT, () -> client.durations(name), d -> !d.isEmpty()))
        .containsExactly(Map.entry("success null", 1L));
    assertThat(
            Poll.until("server duration", TIMEOUT, () -> server.durations(name), d -> !d.isEmpty()))
        .containsExactly(Map.entry("success null", 1L));
    assertThat(client.transferIo())
        .containsExactlyInAnyOrderEntriesOf(Map.of("transmit localhost", 5L, "receive localhost", 7L));
    assertThat(server.transferIo())
        .containsExactlyInAnyOrderEntriesOf(Map.of("receive localhost", 5L, "transmit localhost", 7L));
  }

  @Test
  void steppingAside_errorStatusIsTheStatusCodeOnTheMetric() throws Exception {
    start(PerfTraceGrpc.create(client.tracer), PerfTraceGrpc.create(server.tracer), true);
    String name = EchoService.FAIL.getFullMethodName();
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    intercepted, EchoService.FAIL, CallOptions.DEFAULT, new byte[1]))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(
            Poll.until("client duration", TIMEOUT, () -> client.durations(name), d -> !d.isEmpty()))
        .containsExactly(Map.entry("error UNAVAILABLE", 1L));
    assertThat(only(client.spans.getFinishedSpanItems()).getInstrumentationScopeInfo().getName())
        .isEqualTo("raw");
  }

  @Test
  void noopTracer_passesCallsThroughRecordingNothing() throws Exception {
    start(PerfTraceGrpc.create(PerfTracer.noop()), PerfTraceGrpc.create(PerfTracer.noop()), false);
    byte[] response =
        ClientCalls.blockingUnaryCall(
            intercepted, EchoService.UNARY, CallOptions.DEFAULT, "hi".getBytes(StandardCharsets.US_ASCII));
    assertThat(new String(response, StandardCharsets.US_ASCII)).isEqualTo("hi!!");
    assertThat(client.spans.getFinishedSpanItems()).isEmpty();
    assertThat(server.spans.getFinishedSpanItems()).isEmpty();
    assertThat(service.seen).hasSize(1);
    assertThat(service.seen.peek().correlationId()).isNull();
  }

  @Test
  void directExecutors_callersOperationOnTheServerThread_isNotTakenForAnOuterServerSpan()
      throws Exception {
    String name = "direct-" + System.nanoTime();
    grpcServer =
        PerfTraceGrpc.create(server.tracer)
            .instrumentServer(InProcessServerBuilder.forName(name).directExecutor())
            .addService(service.definition())
            .build()
            .start();
    channel =
        PerfTraceGrpc.create(client.tracer)
            .instrumentChannel(InProcessChannelBuilder.forName(name).directExecutor())
            .build();
    String callerSpanId;
    try (dev.perftrace.Operation caller = client.tracer.start("caller")) {
      callerSpanId = caller.span().getSpanContext().getSpanId();
      ClientCalls.blockingUnaryCall(
          channel, EchoService.UNARY, CallOptions.DEFAULT, "hello".getBytes(StandardCharsets.US_ASCII));
    }
    String method = EchoService.UNARY.getFullMethodName();
    SpanData clientSpan = only(client.spansNamed(method));
    SpanData serverSpan =
        only(Poll.until("server span", TIMEOUT, () -> server.spansNamed(method), l -> !l.isEmpty()));
    assertThat(clientSpan.getParentSpanId()).isEqualTo(callerSpanId);
    assertThat(serverSpan.getKind()).isEqualTo(SpanKind.SERVER);
    assertThat(serverSpan.getInstrumentationScopeInfo().getName()).isEqualTo("grpc-server");
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(service.seen).hasSize(1);
    assertThat(service.seen.peek().spanId()).isEqualTo(serverSpan.getSpanId());
  }
}
