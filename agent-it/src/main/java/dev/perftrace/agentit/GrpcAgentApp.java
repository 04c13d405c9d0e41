package dev.perftrace.agentit;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.instrumentation.grpc.PerfTraceGrpc;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The application {@code GrpcAgentIT} runs in its own JVM under the OpenTelemetry Java agent,
 * whose own gRPC instrumentation is on: a Netty gRPC server and channel on loopback, both also
 * instrumented with {@link PerfTraceGrpc}. Inside one correlation scope and operation {@code
 * grpc-caller} it makes three calls: unary {@code Unary} ("hello" → "hello!!"), server-streaming
 * {@code Repeat} (3 bytes → four 10-byte messages) and unary {@code Fail} (UNAVAILABLE). Handlers
 * print the span and correlation ID current inside them; {@code key=value} lines go to standard
 * output for the test.
 *
 * <p>Thread safety: the main thread drives the calls; handlers run on gRPC's threads and print
 * whole lines.
 */
public final class GrpcAgentApp {
  /** The correlation ID the application opens its scope with. */
  public static final String CORRELATION_ID = "agent-grpc-7";

  static final String SERVICE = "perftrace.agentit.Echo";

  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  static final MethodDescriptor<byte[], byte[]> UNARY =
      method("Unary", MethodDescriptor.MethodType.UNARY);
  static final MethodDescriptor<byte[], byte[]> REPEAT =
      method("Repeat", MethodDescriptor.MethodType.SERVER_STREAMING);
  static final MethodDescriptor<byte[], byte[]> FAIL =
      method("Fail", MethodDescriptor.MethodType.UNARY);

  private GrpcAgentApp() {}

  private static MethodDescriptor<byte[], byte[]> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** Runs the scenario once and exits; a non-zero exit status means it threw. */
  @SuppressWarnings("try") // the correlation scope is only held open
  public static void main(String[] args) throws IOException, InterruptedException {
    PrintStream out = System.out;
    PerfTracer tracer = PerfTracer.create(GlobalOpenTelemetry.get(), "dev.perftrace.agentit.grpc");
    PerfTraceGrpc grpc = PerfTraceGrpc.create(tracer);
    Server server =
        grpc.instrumentServer(
                NettyServerBuilder.forAddress(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .addService(service(tracer, out)))
            .build()
            .start();
    String authority = "127.0.0.1:" + server.getPort();
    ManagedChannel channel =
        grpc.instrumentChannel(
                NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext())
            .build();
    try {
      out.println("authority=" + authority);
      try (CorrelationScope scope = tracer.correlate(CORRELATION_ID);
          Operation caller = tracer.start("grpc-caller")) {
        out.println("caller.trace_id=" + Span.current().getSpanContext().getTraceId());
        out.println("caller.span_id=" + Span.current().getSpanContext().getSpanId());
        byte[] response =
            ClientCalls.blockingUnaryCall(
                channel, UNARY, CallOptions.DEFAULT, "hello".getBytes(StandardCharsets.US_ASCII));
        out.println("unary.response=" + new String(response, StandardCharsets.US_ASCII));
        Iterator<byte[]> repeated =
            ClientCalls.blockingServerStreamingCall(
                channel, REPEAT, CallOptions.DEFAULT, new byte[] {4, 0, 0});
        int count = 0;
        while (repeated.hasNext()) {
          repeated.next();
          count++;
        }
        out.println("repeat.messages=" + count);
        try {
          ClientCalls.blockingUnaryCall(channel, FAIL, CallOptions.DEFAULT, new byte[] {1});
          out.println("fail.status=OK");
        } catch (StatusRuntimeException e) {
          out.println("fail.status=" + e.getStatus().getCode());
        }
        out.println(
            "caller.after_calls.span_id=" + Span.current().getSpanContext().getSpanId());
      }
      out.println("done=true");
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static ServerServiceDefinition service(PerfTracer tracer, PrintStream out) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            UNARY,
            ServerCalls.asyncUnaryCall(
                (byte[] request, StreamObserver<byte[]> responses) -> {
                  seen(out, tracer, "unary");
                  byte[] reply = new byte[request.length + 2];
                  System.arraycopy(request, 0, reply, 0, request.length);
                  reply[request.length] = '!';
                  reply[request.length + 1] = '!';
                  responses.onNext(reply);
                  responses.onCompleted();
                }))
        .addMethod(
            REPEAT,
            ServerCalls.asyncServerStreamingCall(
                (byte[] request, StreamObserver<byte[]> responses) -> {
                  seen(out, tracer, "repeat");
                  for (int i = 0; i < request[0]; i++) {
                    responses.onNext(new byte[10]);
                  }
                  responses.onCompleted();
                }))
        .addMethod(
            FAIL,
            ServerCalls.asyncUnaryCall(
                (byte[] request, StreamObserver<byte[]> responses) -> {
                  seen(out, tracer, "fail");
                  responses.onError(Status.UNAVAILABLE.asRuntimeException());
                }))
        .build();
  }

  private static void seen(PrintStream out, PerfTracer tracer, String handler) {
    out.println(
        "handler."
            + handler
            + ".span_id="
            + Span.current().getSpanContext().getSpanId()
            + "\nhandler."
            + handler
            + ".correlation_id="
            + tracer.currentCorrelationId());
  }
}
