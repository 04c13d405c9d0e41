package dev.perftrace.testing.otlp;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

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

  private OtlpGrpcReceiver(int port, byte[] certificateChainPem, byte[] privateKeyPem) {
    this.tls = certificateChainPem != null;
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    if (tls) {
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
   * Starts a plain-text receiver on a given loopback {@code port}: for restarting a receiver where
   * an exporter already points (a collector coming back). Use {@link #start()} otherwise.
   */
  public static OtlpGrpcReceiver start(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535: " + port);
    }
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
        return true;
    }
  }

  private final class TraceService extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(
        ExportTraceServiceRequest request,
        StreamObserver<ExportTraceServiceResponse> responseObserver) {
      if (admit(responseObserver)) {
        state.addTraces(request);
        responseObserver.onNext(ExportTraceServiceResponse.getDefaultInstance());
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
