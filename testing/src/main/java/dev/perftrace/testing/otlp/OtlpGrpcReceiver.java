package dev.perftrace.testing.otlp;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * A real OTLP/gRPC receiver for tests, built from grpc-java and the {@code opentelemetry-proto}
 * service stubs: it listens on an ephemeral loopback port, decodes {@code
 * ExportTraceServiceRequest} and {@code ExportMetricsServiceRequest} messages and keeps them for
 * assertions. It can be switched to answer {@code UNAVAILABLE} or to hang (see {@link
 * ReceiverBehavior}) and can serve TLS with a given certificate.
 *
 * <p>Thread safety: safe for concurrent use; requests are recorded from gRPC threads and read
 * from the test thread. Accessors return snapshots.
 *
 * <pre>{@code
 * try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
 *   exporterBuilder.setEndpoint(receiver.endpoint());
 *   ...
 *   Poll.until("span", Duration.ofSeconds(5), () -> receiver.spans().size() == 1);
 * }
 * }</pre>
 */
public final class OtlpGrpcReceiver implements AutoCloseable {

  private final ReceiverState state = new ReceiverState();
  private final List<StreamObserver<?>> hanging = new ArrayList<>(); // guarded by itself
  private final Server server;
  private final boolean tls;
  private final AtomicReference<Failures> failNext = new AtomicReference<>();
  private volatile long answerDelayNanos;
  private volatile String partialSuccessMessage = "";

  private OtlpGrpcReceiver(int port, byte[] certificateChainPem, byte[] privateKeyPem) {
    this(port, certificateChainPem, privateKeyPem, null);
  }

  private OtlpGrpcReceiver(
      int port, byte[] certificateChainPem, byte[] privateKeyPem, byte[] trustedClientPem) {
    this.tls = certificateChainPem != null;
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    if (trustedClientPem != null) {
      try {
        builder.sslContext(
            GrpcSslContexts.forServer(
                    new ByteArrayInputStream(certificateChainPem),
                    new ByteArrayInputStream(privateKeyPem))
                .trustManager(new ByteArrayInputStream(trustedClientPem))
                .clientAuth(ClientAuth.REQUIRE)
                .build());
      } catch (SSLException e) {
        throw new IllegalArgumentException("invalid certificate or key: " + e.getMessage(), e);
      }
    } else if (tls) {
      builder.useTransportSecurity(
          new ByteArrayInputStream(certificateChainPem), new ByteArrayInputStream(privateKeyPem));
    }
    ServerInterceptor headers = new HeaderCapture();
    builder.addService(ServerInterceptors.intercept(new TraceService(), headers));
    builder.addService(ServerInterceptors.intercept(new MetricsService(), headers));
    try {
      this.server = builder.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start the OTLP/gRPC receiver", e);
    }
  }

  /** Starts a plain-text receiver on an ephemeral loopback port. */
  public static OtlpGrpcReceiver start() {
    return new OtlpGrpcReceiver(0, null, null);
  }

  /**
   * Starts a plain-text receiver on a given loopback {@code port}. Prefer {@link
   * #takeOver(dev.perftrace.testing.ClosedPort)} for a collector coming back (a port released
   * earlier may have been taken by another process meanwhile) and {@link #start()} otherwise.
   */
  public static OtlpGrpcReceiver start(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535: " + port);
    }
    return new OtlpGrpcReceiver(port, null, null);
  }

  /**
   * Starts a plain-text receiver on the port {@code held} kept closed until now: the collector
   * coming back where an exporter already points. The port stays the test's own the whole time
   * (refusing connections while {@code held} is open), so no other process can take it while the
   * collector is "down"; {@code held} is closed just before the receiver binds.
   */
  public static OtlpGrpcReceiver takeOver(dev.perftrace.testing.ClosedPort held) {
    requireNonNull(held, "held");
    int port = held.port();
    held.close();
    return new OtlpGrpcReceiver(port, null, null);
  }

  /**
   * Starts a TLS receiver on an ephemeral loopback port, serving {@code certificateChainPem} with
   * the PKCS#8 {@code privateKeyPem} (see {@link SelfSignedCertificate}).
   */
  public static OtlpGrpcReceiver startTls(byte[] certificateChainPem, byte[] privateKeyPem) {
    requireNonNull(certificateChainPem, "certificateChainPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    return new OtlpGrpcReceiver(0, certificateChainPem.clone(), privateKeyPem.clone());
  }

  /**
   * Starts a TLS receiver that requires a client certificate (mutual TLS): it serves {@code
   * certificateChainPem} with {@code privateKeyPem} and accepts only clients whose certificate is
   * issued by (or is) one of {@code trustedClientCertificatesPem}; other handshakes fail.
   */
  public static OtlpGrpcReceiver startMutualTls(
      byte[] certificateChainPem, byte[] privateKeyPem, byte[] trustedClientCertificatesPem) {
    requireNonNull(certificateChainPem, "certificateChainPem");
    requireNonNull(privateKeyPem, "privateKeyPem");
    requireNonNull(trustedClientCertificatesPem, "trustedClientCertificatesPem");
    return new OtlpGrpcReceiver(
        0,
        certificateChainPem.clone(),
        privateKeyPem.clone(),
        trustedClientCertificatesPem.clone());
  }

  /**
   * Answers the next {@code count} export calls with {@code code} (not recorded, but counted in
   * {@link #attempts()} and {@link #requestHeaders()}), whatever the behavior; then the behavior
   * applies again. For example {@code failNext(1, Status.Code.UNAVAILABLE)}: unavailable once,
   * then OK.
   */
  public void failNext(int count, Status.Code code) {
    requireNonNull(code, "code");
    if (count < 0 || code == Status.Code.OK) {
      throw new IllegalArgumentException("count must be >= 0 and code not OK: " + count + ", " + code);
    }
    failNext.set(count == 0 ? null : new Failures(count, code));
  }

  /**
   * Delays every accepted answer by {@code delay} (on the receiver's call thread): a slow
   * collector whose calls are in flight for that long. {@link Duration#ZERO} turns it off.
   */
  public void setAnswerDelay(Duration delay) {
    requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
    answerDelayNanos = delay.toNanos();
  }

  /**
   * Makes accepted trace answers carry an OTLP partial success with {@code errorMessage} (and no
   * rejected spans): a non-empty response message of a known size. {@code ""} turns it off.
   */
  public void setPartialSuccessMessage(String errorMessage) {
    partialSuccessMessage = requireNonNull(errorMessage, "errorMessage");
  }

  /** Returns the bound port. */
  public int port() {
    return server.getPort();
  }

  /**
   * Returns the endpoint URL for an OTLP/gRPC exporter: {@code http://127.0.0.1:PORT}, or {@code
   * https://localhost:PORT} for TLS (the name the test certificate is issued for).
   */
  public String endpoint() {
    return tls ? "https://localhost:" + port() : "http://127.0.0.1:" + port();
  }

  /** Changes how the next requests are answered; leaving HANG fails the hanging calls. */
  public void setBehavior(ReceiverBehavior behavior) {
    requireNonNull(behavior, "behavior");
    state.setBehavior(behavior);
    if (behavior != ReceiverBehavior.HANG) {
      releaseHanging();
    }
  }

  /** Returns the trace export requests received (and accepted) so far, in arrival order. */
  public List<ExportTraceServiceRequest> traceRequests() {
    return state.traceRequests();
  }

  /** Returns the metric export requests received (and accepted) so far, in arrival order. */
  public List<ExportMetricsServiceRequest> metricRequests() {
    return state.metricRequests();
  }

  /** Returns every accepted span, flattened, in arrival order. */
  public List<ReceivedSpan> spans() {
    return state.spans();
  }

  /** Returns every accepted metric (all resources and scopes), in arrival order. */
  public List<Metric> metrics() {
    return state.metrics();
  }

  /** Returns the sorted names of the accepted metrics. */
  public Set<String> metricNames() {
    return state.metricNames();
  }

  /**
   * Returns the request headers (gRPC metadata, keys in lower case, including {@code
   * grpc-encoding}) of every call received, accepted or not, in arrival order.
   */
  public List<Map<String, String>> requestHeaders() {
    return state.headers();
  }

  /** Returns how many export calls arrived, whatever the answer. */
  public int attempts() {
    return state.attempts();
  }

  /** Forgets everything received so far. */
  public void clear() {
    state.clear();
  }

  /** Stops the server at once, failing hanging calls. */
  @Override
  public void close() {
    state.close();
    releaseHanging();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "OtlpGrpcReceiver{endpoint=" + endpoint() + "}";
  }

  private void releaseHanging() {
    List<StreamObserver<?>> toRelease;
    synchronized (hanging) {
      toRelease = new ArrayList<>(hanging);
      hanging.clear();
    }
    for (StreamObserver<?> observer : toRelease) {
      try {
        observer.onError(Status.UNAVAILABLE.withDescription("released").asRuntimeException());
      } catch (RuntimeException e) {
        // the client cancelled already
      }
    }
  }

  /** Returns true when the request should be recorded and answered with success. */
  private boolean admit(StreamObserver<?> observer) {
    Failures failures = failNext.get();
    while (failures != null) {
      Failures next = failures.remaining == 1 ? null : new Failures(failures.remaining - 1, failures.code);
      if (failNext.compareAndSet(failures, next)) {
        observer.onError(
            Status.fromCode(failures.code)
                .withDescription("receiver told to fail this call")
                .asRuntimeException());
        return false;
      }
      failures = failNext.get();
    }
    switch (state.behavior()) {
      case UNAVAILABLE:
        observer.onError(
            Status.UNAVAILABLE.withDescription("receiver set to UNAVAILABLE").asRuntimeException());
        return false;
      case HANG:
        synchronized (hanging) {
          hanging.add(observer);
        }
        return false;
      default:
        long delay = answerDelayNanos;
        if (delay > 0) {
          try {
            TimeUnit.NANOSECONDS.sleep(delay);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return true;
    }
  }

  private static final class Failures {
    final int remaining;
    final Status.Code code;

    Failures(int remaining, Status.Code code) {
      this.remaining = remaining;
      this.code = code;
    }
  }

  private final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(
        ExportTraceServiceRequest request,
        StreamObserver<ExportTraceServiceResponse> responseObserver) {
      if (admit(responseObserver)) {
        state.addTraces(request);
        String message = partialSuccessMessage;
        responseObserver.onNext(
            message.isEmpty()
                ? ExportTraceServiceResponse.getDefaultInstance()
                : ExportTraceServiceResponse.newBuilder()
                    .setPartialSuccess(
                        ExportTracePartialSuccess.newBuilder().setErrorMessage(message))
                    .build());
        responseObserver.onCompleted();
      }
    }
  }

  private final class MetricsService extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> responseObserver) {
      if (admit(responseObserver)) {
        state.addMetrics(request);
        responseObserver.onNext(ExportMetricsServiceResponse.getDefaultInstance());
        responseObserver.onCompleted();
      }
    }
  }

  private final class HeaderCapture implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
      Map<String, String> headers = new LinkedHashMap<>();
      for (String key : metadata.keys()) {
        if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          String value = metadata.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
          if (value != null) {
            headers.put(key, value);
          }
        }
      }
      state.addHeaders(headers);
      return next.startCall(call, metadata);
    }
  }
}
