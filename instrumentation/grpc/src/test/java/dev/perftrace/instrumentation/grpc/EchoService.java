package dev.perftrace.instrumentation.grpc;

import dev.perftrace.PerfTracer;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A tiny gRPC service over hand-written method descriptors with a byte-array marshaller (no
 * protoc): the serialized size of a message is its array length. Handlers write what they saw
 * (current span and correlation ID) to {@link #seen}.
 *
 * <p>Thread safety: handlers may run on any server thread; {@link #seen} is concurrent.
 */
final class EchoService {
  static final String SERVICE = "perftrace.test.Echo";

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
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

  /** Replies with the request followed by {@code "!!"}. */
  static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
  /** Replies with as many 10-byte messages as the request's first byte says. */
  static final MethodDescriptor<byte[], byte[]> REPEAT =
      method("Repeat", MethodDescriptor.MethodType.SERVER_STREAMING);
  /** Replies once, with the total request bytes as decimal text. */
  static final MethodDescriptor<byte[], byte[]> SUM =
      method("Sum", MethodDescriptor.MethodType.CLIENT_STREAMING);
  /** Echoes every message. */
  static final MethodDescriptor<byte[], byte[]> CHAT =
      method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);
  /** Fails with {@code UNAVAILABLE}. */
  static final MethodDescriptor<byte[], byte[]> FAIL = method("Fail", MethodDescriptor.MethodType.UNARY);
  /** Throws a {@code IllegalStateException} from the handler (gRPC answers {@code UNKNOWN}). */
  static final MethodDescriptor<byte[], byte[]> THROW = method("Throw", MethodDescriptor.MethodType.UNARY);
  /** Never replies: for deadlines and cancellation. */
  static final MethodDescriptor<byte[], byte[]> HANG = method("Hang", MethodDescriptor.MethodType.UNARY);

  private static MethodDescriptor<byte[], byte[]> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  /** What a handler saw: the current span and correlation ID inside it. */
  record Seen(String method, String spanId, String traceId, String correlationId) {}

  final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  /** Counted down when a {@code Hang} call reached its handler. */
  final CountDownLatch hanging = new CountDownLatch(1);
  private final PerfTracer tracer;

  EchoService(PerfTracer tracer) {
    this.tracer = tracer;
  }

  private void see(String method) {
    Span span = Span.fromContext(Context.current());
    seen.add(
        new Seen(
            method,
            span.getSpanContext().getSpanId(),
            span.getSpanContext().getTraceId(),
            tracer.currentCorrelationId()));
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(
            UNARY,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  see("Unary");
                  responses.onNext(concat(request, "!!".getBytes(StandardCharsets.US_ASCII)));
                  responses.onCompleted();
                }))
        .addMethod(
            REPEAT,
            ServerCalls.asyncServerStreamingCall(
                (request, responses) -> {
                  see("Repeat");
                  for (int i = 0; i < request[0]; i++) {
                    responses.onNext(new byte[10]);
                  }
                  responses.onCompleted();
                }))
        .addMethod(
            SUM,
            ServerCalls.asyncClientStreamingCall(
                responses ->
                    new StreamObserver<byte[]>() {
                      private int total;

                      @Override
                      public void onNext(byte[] value) {
                        see("Sum");
                        total += value.length;
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        responses.onNext(
                            Integer.toString(total).getBytes(StandardCharsets.US_ASCII));
                        responses.onCompleted();
                      }
                    }))
        .addMethod(
            CHAT,
            ServerCalls.asyncBidiStreamingCall(
                responses ->
                    new StreamObserver<byte[]>() {
                      @Override
                      public void onNext(byte[] value) {
                        see("Chat");
                        responses.onNext(value);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        responses.onCompleted();
                      }
                    }))
        .addMethod(
            FAIL,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  see("Fail");
                  responses.onError(
                      Status.UNAVAILABLE.withDescription("down for a test").asRuntimeException());
                }))
        .addMethod(
            THROW,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  see("Throw");
                  throw new IllegalStateException("handler bug for a test");
                }))
        .addMethod(
            HANG,
            ServerCalls.asyncUnaryCall(
                (request, responses) -> {
                  see("Hang");
                  hanging.countDown();
                  awaitDeadline();
                }))
        .build();
  }

  /**
   * With a deadline, holds the (single) server thread until the server's own deadline has passed,
   * so that the cancellation the server handles next is on or after it: the client's
   * cancellation at its deadline can otherwise reach the server a moment before the server's
   * clock passes it (then the server rightly reports {@code CANCELLED}).
   */
  private static void awaitDeadline() {
    Deadline deadline = io.grpc.Context.current().getDeadline();
    if (deadline == null) {
      return;
    }
    CountDownLatch passed = new CountDownLatch(1);
    deadline.runOnExpiration(passed::countDown, TIMER);
    try {
      passed.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "echo-deadline-timer");
            t.setDaemon(true);
            return t;
          });

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
