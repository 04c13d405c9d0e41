package dev.perftrace.benchmarks;

import dev.perftrace.PerfTracer;
import dev.perftrace.instrumentation.grpc.PerfTraceGrpc;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-message cost of PerfTrace's gRPC interceptors on a long bidi-streaming call: one message
 * echoed over grpc-java's in-process transport with direct executors (the round trip runs on the
 * benchmark thread), without instrumentation ({@code none}) and with {@link PerfTraceGrpc} on both
 * client and server ({@code perftrace}). The difference is what a streamed message pays: wire-size
 * sums in the stream tracers, message counts, and the server operation made current around each
 * callback. One call spans the whole trial, so the per-call cost (span start and end) is not in it.
 * The in-process transport reports message sizes only with {@code
 * GRPC_EXPERIMENTAL_SUPPORT_TRACING_MESSAGE_SIZES=true}, set for the fork.
 *
 * <p>Thread safety: JMH state for one benchmark thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = "-DGRPC_EXPERIMENTAL_SUPPORT_TRACING_MESSAGE_SIZES=true")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
public class GrpcStreamingBenchmark {

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

  private static final MethodDescriptor<byte[], byte[]> CHAT =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName("perftrace.bench.Echo/Chat")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  /** {@code none}: plain grpc-java; {@code perftrace}: PerfTrace interceptors on both sides. */
  @Param({"none", "perftrace"})
  public String instrumentation;

  private final byte[] payload = new byte[64];
  private BenchmarkSdk sdk;
  private Server server;
  private ManagedChannel channel;
  private ClientCall<byte[], byte[]> call;
  private volatile long received;
  private long sent;

  /** Starts the server, the channel and the one bidi call the trial streams over. */
  @Setup
  public void setUp() throws IOException {
    String name = "perftrace-bench-" + System.nanoTime();
    InProcessServerBuilder serverBuilder =
        InProcessServerBuilder.forName(name).directExecutor().addService(echo());
    InProcessChannelBuilder channelBuilder = InProcessChannelBuilder.forName(name).directExecutor();
    if (instrumentation.equals("perftrace")) {
      sdk = BenchmarkSdk.create();
      PerfTracer tracer =
          PerfTracer.builder(sdk.openTelemetry(), OperationBenchmark.PERFTRACE_SCOPE)
              .setMdcEnabled(false)
              .build();
      PerfTraceGrpc grpc = PerfTraceGrpc.create(tracer);
      grpc.instrumentServer(serverBuilder);
      grpc.instrumentChannel(channelBuilder);
    }
    server = serverBuilder.build().start();
    channel = channelBuilder.build();
    call = channel.newCall(CHAT, CallOptions.DEFAULT);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            received++;
          }
        },
        new Metadata());
    call.request(Integer.MAX_VALUE);
  }

  private static ServerServiceDefinition echo() {
    ServerCallHandler<byte[], byte[]> handler =
        (serverCall, headers) -> {
          serverCall.sendHeaders(new Metadata());
          serverCall.request(1);
          return new ServerCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
              serverCall.sendMessage(message);
              serverCall.request(1);
            }

            @Override
            public void onHalfClose() {
              serverCall.close(Status.OK, new Metadata());
            }
          };
        };
    return ServerServiceDefinition.builder("perftrace.bench.Echo").addMethod(CHAT, handler).build();
  }

  /** One message out and its echo back; waits (spinning) only if the echo is not yet in. */
  @Benchmark
  public long echoOneMessage() {
    call.sendMessage(payload);
    long expected = ++sent;
    while (received < expected) {
      Thread.onSpinWait();
    }
    return expected;
  }

  /** Ends the call and shuts everything down. */
  @TearDown
  public void tearDown() throws InterruptedException {
    call.halfClose();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    if (sdk != null) {
      sdk.close();
    }
  }
}
