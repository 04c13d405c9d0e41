package dev.perftrace.instrumentation.grpc;

import static java.util.Objects.requireNonNull;

import dev.perftrace.PerfTracer;
import dev.perftrace.instrumentation.grpc.internal.ClientTracing;
import dev.perftrace.instrumentation.grpc.internal.ServerByteCounter;
import dev.perftrace.instrumentation.grpc.internal.ServerTracing;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannelBuilder;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;

/**
 * PerfTrace for grpc-java: a client interceptor and a server interceptor (with its stream tracer
 * factory for byte counts) that make each call an operation of a {@link PerfTracer}.
 *
 * <p>Thread safety: immutable; one instance, and the interceptors and factory it returns, may be
 * shared by any number of channels, servers and threads.
 *
 * <p>Each call is an operation named {@code <service>/<method>} (the full method name) with span
 * kind {@code CLIENT} or {@code SERVER}; span attributes {@code rpc.system=grpc}, {@code
 * rpc.service}, {@code rpc.method} and, at end, {@code rpc.grpc.status_code} (the numeric code).
 * Status to outcome: {@code OK} is {@code success}; {@code CANCELLED} is {@code cancelled} (span
 * status unset); every other code is {@code error} with {@code error.type} the code's name ({@code
 * DEADLINE_EXCEEDED}, {@code UNAVAILABLE}...). Trace context and baggage (the correlation ID) go
 * through the tracer's {@link PerfTracer#inject inject}/{@link PerfTracer#extract extract}, so the
 * application's propagators are used. Bytes are the transport's wire sizes of the messages, summed
 * per call and recorded once per direction at end with the call's authority as the transfer
 * source. The operation ends exactly once, when the call closes, is cancelled or its deadline
 * passes. Nothing here throws into the call; a transport's failure reaches the caller unchanged.
 *
 * <p>When an instrumentation closer to the transport (the OpenTelemetry Java agent) has already
 * started the call's span, PerfTrace steps aside: it records only its metrics, and the agent's span
 * is the one exported. See the module README.
 */
public final class PerfTraceGrpc {
  private final PerfTracer tracer;
  private final ClientInterceptor clientInterceptor;
  private final ServerInterceptor serverInterceptor;
  private final ServerStreamTracer.Factory serverStreamTracerFactory;

  private PerfTraceGrpc(PerfTracer tracer) {
    this.tracer = tracer;
    this.clientInterceptor = new ClientTracing(tracer);
    this.serverInterceptor = new ServerTracing(tracer);
    this.serverStreamTracerFactory = ServerByteCounter.FACTORY;
  }

  /**
   * Returns the gRPC instrumentation recording through {@code tracer}.
   *
   * @throws NullPointerException naming {@code tracer} when it is null
   */
  public static PerfTraceGrpc create(PerfTracer tracer) {
    return new PerfTraceGrpc(requireNonNull(tracer, "tracer"));
  }

  /** Returns the tracer this instrumentation records through. */
  public PerfTracer tracer() {
    return tracer;
  }

  /**
   * Returns the client interceptor: add it to a channel ({@code
   * ManagedChannelBuilder.intercept} or {@code ClientInterceptors.intercept}). It also counts the
   * call's bytes through a stream tracer it adds to the call options.
   */
  public ClientInterceptor clientInterceptor() {
    return clientInterceptor;
  }

  /**
   * Returns the server interceptor. Byte counts need {@link #serverStreamTracerFactory()} on the
   * same server as well; {@link #instrumentServer} adds both.
   */
  public ServerInterceptor serverInterceptor() {
    return serverInterceptor;
  }

  /**
   * Returns the server stream tracer factory that counts the wire bytes of each server call for
   * the {@link #serverInterceptor() server interceptor}; on its own it records nothing.
   */
  public ServerStreamTracer.Factory serverStreamTracerFactory() {
    return serverStreamTracerFactory;
  }

  /**
   * Adds the client interceptor to {@code channelBuilder} and returns it.
   *
   * @throws NullPointerException naming {@code channelBuilder} when it is null
   */
  public <T extends ManagedChannelBuilder<T>> T instrumentChannel(T channelBuilder) {
    requireNonNull(channelBuilder, "channelBuilder");
    return channelBuilder.intercept(clientInterceptor);
  }

  /**
   * Adds the server interceptor and the stream tracer factory to {@code serverBuilder} and returns
   * it.
   *
   * @throws NullPointerException naming {@code serverBuilder} when it is null
   */
  public <T extends ServerBuilder<T>> T instrumentServer(T serverBuilder) {
    requireNonNull(serverBuilder, "serverBuilder");
    return serverBuilder
        .intercept(serverInterceptor)
        .addStreamTracerFactory(serverStreamTracerFactory);
  }

  @Override
  public String toString() {
    return "PerfTraceGrpc(" + tracer + ")";
  }
}
