package dev.perftrace.instrumentation.grpc.internal;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The server interceptor: each call is a {@code SERVER} operation whose parent is the context
 * extracted from the request headers; the operation is current inside every listener callback
 * and the handler's start, and the thread's previous context is restored after each.
 *
 * <p>Thread safety: the interceptor is stateless and shared; a call's state is safe for the
 * threads gRPC calls it from.
 */
@SuppressWarnings("try") // scopes held open around callbacks
public final class ServerTracing implements ServerInterceptor {
  private final PerfTracer tracer;
  private final boolean noop;

  public ServerTracing(PerfTracer tracer) {
    this.tracer = tracer;
    this.noop = tracer == PerfTracer.noop();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (noop) {
      return next.startCall(call, headers);
    }
    CallState state;
    ServerCall<Q, R> traced;
    try {
      state = CallState.begin(tracer, call, headers);
      traced = new TracingCall<>(call, state);
    } catch (RuntimeException e) {
      return next.startCall(call, headers); // never break the call over telemetry
    }
    ServerCall.Listener<Q> listener;
    try (Scope ignored = state.makeCurrent()) {
      listener = next.startCall(traced, headers);
    } catch (RuntimeException | Error e) {
      // gRPC closes the stream itself and never calls this listener: end here
      state.end(Status.fromThrowable(e));
      throw e;
    }
    return new TracingListener<>(listener, state);
  }

  @Override
  public String toString() {
    return "PerfTrace gRPC server interceptor";
  }

  /** One server call: its operation (or the outer instrumentation's context) and byte counter. */
  static final class CallState {
    private static final AtomicIntegerFieldUpdater<CallState> MESSAGES_SENT =
        AtomicIntegerFieldUpdater.newUpdater(CallState.class, "messagesSent");
    private static final AtomicIntegerFieldUpdater<CallState> MESSAGES_RECEIVED =
        AtomicIntegerFieldUpdater.newUpdater(CallState.class, "messagesReceived");

    private final PerfTracer tracer;
    private final RpcMethod method;
    private final String authority;
    private final long startNanos;
    /** PerfTrace's operation, or null when an outer instrumentation owns the server span. */
    private final Operation operation;
    private final ServerByteCounter bytes;
    private final io.grpc.Context grpcContext;
    /**
     * The context each callback attaches, captured once (no allocation beyond the scope): the
     * operation's, or when stepping aside the outer span's with the correlation ID.
     */
    private final Context current;

    /** The status the handler closed the call with, if it did. */
    private volatile Status closed;

    private boolean ended;

    @SuppressWarnings("unused") // through the updaters
    private volatile int messagesSent;

    @SuppressWarnings("unused")
    private volatile int messagesReceived;

    private CallState(
        PerfTracer tracer,
        RpcMethod method,
        String authority,
        Operation operation,
        Context aside,
        long startNanos) {
      this.tracer = tracer;
      this.method = method;
      this.authority = authority;
      this.operation = operation;
      this.startNanos = startNanos;
      this.grpcContext = io.grpc.Context.current();
      this.bytes = ServerByteCounter.KEY.get(grpcContext);
      if (operation == null) {
        this.current = aside;
      } else {
        try (Scope ignored = operation.makeCurrent()) {
          this.current = Context.current();
        }
      }
    }

    static CallState begin(PerfTracer tracer, ServerCall<?, ?> call, Metadata headers) {
      long startNanos = System.nanoTime();
      RpcMethod method = RpcMethod.of(call.getMethodDescriptor());
      String authority = call.getAuthority();
      if (authority == null) {
        authority = "unknown";
      }
      SpanContext outer = Span.current().getSpanContext();
      // a local span current at a server call's entry is an outer instrumentation's server span
      // (the Java agent's interceptor runs before the application's): PerfTrace steps aside.
      // Not so the span of a PerfTrace client call's caller (or this tracer's operation) that a
      // direct executor (in-process transport) leaves current here: that one is ignored.
      boolean stepAside =
          outer.isValid()
              && !outer.isRemote()
              && !outer.equals(ClientTracing.STARTING.get())
              && !outer.equals(tracer.currentOperation().span().getSpanContext());
      Operation operation = null;
      Context aside = null;
      if (stepAside) {
        // extract keeps the current server span as the parent and adds the correlation ID
        try (CorrelationScope ignored = tracer.extract(headers, MetadataCarrier.INSTANCE)) {
          aside = Context.current();
          Span.fromContext(aside)
              .setAttribute(PerfAttributes.CORRELATION_ID, tracer.currentCorrelationId());
        }
      } else {
        // the server call starts from the request's headers only, never from what the thread
        // has current
        try (Scope root = Context.root().makeCurrent();
            CorrelationScope ignored = tracer.extract(headers, MetadataCarrier.INSTANCE)) {
          operation =
              tracer
                  .operation(method.fullName)
                  .setSpanKind(SpanKind.SERVER)
                  .setAttribute(RpcMethod.RPC_SYSTEM, RpcMethod.GRPC)
                  .setAttribute(RpcMethod.RPC_SERVICE, method.service)
                  .setAttribute(RpcMethod.RPC_METHOD, method.method)
                  .startDetached();
        }
      }
      return new CallState(tracer, method, authority, operation, aside, startNanos);
    }

    Scope makeCurrent() {
      try {
        return current.makeCurrent();
      } catch (RuntimeException e) {
        return Scope.noop();
      }
    }

    void closing(Status status) {
      closed = status;
    }

    void messageSent() {
      MESSAGES_SENT.incrementAndGet(this);
    }

    void messageReceived() {
      MESSAGES_RECEIVED.incrementAndGet(this);
    }

    /** A listener callback (the handler) threw: gRPC closes the call with {@code UNKNOWN}. */
    void handlerThrew(Throwable error) {
      if (closed == null) {
        closed = Status.UNKNOWN.withCause(error);
      }
    }

    /**
     * On {@code onCancel}: the handler's non-OK status (or {@code UNKNOWN} when it threw), else
     * {@code DEADLINE_EXCEEDED} when the call's deadline has passed, else the transport's non-OK
     * closing status, else {@code CANCELLED}.
     */
    void cancelled() {
      Status status = closed;
      if (status == null || status.isOk()) {
        Deadline deadline = grpcContext.getDeadline();
        Status transport = bytes == null ? null : bytes.closedStatus();
        if (deadline != null && deadline.isExpired()) {
          status = Status.DEADLINE_EXCEEDED;
        } else if (transport != null && transport.getCode() != Status.Code.UNKNOWN) {
          status = transport;
        } else {
          status = Status.CANCELLED;
        }
      }
      end(status);
    }

    void completed() {
      Status status = closed;
      end(status == null ? Status.OK : status);
    }

    void end(Status status) {
      try {
        synchronized (this) {
          if (ended) {
            return;
          }
          ended = true;
        }
        long sent = bytes == null ? -1 : bytes.sent();
        long received = bytes == null ? -1 : bytes.received();
        if (operation != null) {
          Outcomes.apply(operation, status);
          operation.setAttribute(RpcMethod.MESSAGES_SENT, MESSAGES_SENT.get(this));
          operation.setAttribute(RpcMethod.MESSAGES_RECEIVED, MESSAGES_RECEIVED.get(this));
          try (Scope ignored = current.makeCurrent()) {
            recordBytes(sent, received);
          }
          operation.close();
        } else {
          Outcomes.recordAside(
              tracer,
              method.fullName,
              Duration.ofNanos(Math.max(0, System.nanoTime() - startNanos)),
              status);
          try (Scope ignored = current.makeCurrent()) {
            recordBytes(sent, received);
          }
        }
      } catch (RuntimeException e) {
        // recording never breaks the call
      }
    }

    private void recordBytes(long sent, long received) {
      if (received >= 0) {
        tracer.recordBytes(Direction.IN, authority, received);
      }
      if (sent >= 0) {
        tracer.recordBytes(Direction.OUT, authority, sent);
      }
    }
  }

  static final class TracingCall<Q, R> extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final CallState state;

    TracingCall(ServerCall<Q, R> delegate, CallState state) {
      super(delegate);
      this.state = state;
    }

    @Override
    public void sendMessage(R message) {
      super.sendMessage(message);
      state.messageSent();
    }

    @Override
    public void close(Status status, Metadata trailers) {
      state.closing(status);
      super.close(status, trailers);
    }
  }

  static final class TracingListener<Q>
      extends ForwardingServerCallListener.SimpleForwardingServerCallListener<Q> {
    private final CallState state;

    TracingListener(ServerCall.Listener<Q> delegate, CallState state) {
      super(delegate);
      this.state = state;
    }

    @Override
    public void onMessage(Q message) {
      state.messageReceived();
      try (Scope ignored = state.makeCurrent()) {
        super.onMessage(message);
      } catch (RuntimeException | Error e) {
        state.handlerThrew(e);
        throw e;
      }
    }

    @Override
    public void onHalfClose() {
      try (Scope ignored = state.makeCurrent()) {
        super.onHalfClose();
      } catch (RuntimeException | Error e) {
        state.handlerThrew(e);
        throw e;
      }
    }

    @Override
    public void onReady() {
      try (Scope ignored = state.makeCurrent()) {
        super.onReady();
      } catch (RuntimeException | Error e) {
        state.handlerThrew(e);
        throw e;
      }
    }

    @Override
    public void onCancel() {
      try (Scope ignored = state.makeCurrent()) {
        super.onCancel();
      } finally {
        state.cancelled();
      }
    }

    @Override
    public void onComplete() {
      try (Scope ignored = state.makeCurrent()) {
        super.onComplete();
      } finally {
        state.completed();
      }
    }
  }
}
