package dev.perftrace.instrumentation.grpc.internal;

import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The client interceptor: each call is a {@code CLIENT} operation, started when the call's first
 * stream is created (where the outgoing headers are still writable and an inner instrumentation's
 * span, if any, is current), ended once at {@code onClose}.
 *
 * <p>Thread safety: the interceptor is stateless and shared; a call's state is safe for the
 * threads gRPC calls it from (caller, transport, callback executor).
 */
@SuppressWarnings("try") // scopes held open around calls
public final class ClientTracing implements ClientInterceptor {
  /**
   * The span current where a PerfTrace client call is starting on this thread, while it starts:
   * with direct executors (in-process transport) the server's interceptors run inside the
   * client's {@code start}, and {@link ServerTracing} must not take the caller's span for an outer
   * instrumentation's server span. Always restored; holds no context.
   */
  static final ThreadLocal<SpanContext> STARTING = new ThreadLocal<>();

  private final PerfTracer tracer;
  private final boolean noop;

  public ClientTracing(PerfTracer tracer) {
    this.tracer = tracer;
    this.noop = tracer == PerfTracer.noop();
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
    if (noop) {
      return next.newCall(method, callOptions);
    }
    CallState state;
    CallOptions options;
    try {
      String authority = callOptions.getAuthority();
      if (authority == null) {
        authority = next.authority();
      }
      state = new CallState(tracer, RpcMethod.of(method), authority == null ? "unknown" : authority);
      options = callOptions.withStreamTracerFactory(state);
    } catch (RuntimeException e) {
      return next.newCall(method, callOptions); // never break the call over telemetry
    }
    return new TracingCall<>(next.newCall(method, options), state);
  }

  @Override
  public String toString() {
    return "PerfTrace gRPC client interceptor";
  }

  /** One call: its operation (or, stepping aside, the inner span's context) and byte sums. */
  static final class CallState extends ClientStreamTracer.Factory {
    private static final AtomicLongFieldUpdater<CallState> SENT =
        AtomicLongFieldUpdater.newUpdater(CallState.class, "sent");
    private static final AtomicLongFieldUpdater<CallState> RECEIVED =
        AtomicLongFieldUpdater.newUpdater(CallState.class, "received");
    private static final AtomicIntegerFieldUpdater<CallState> MESSAGES_SENT =
        AtomicIntegerFieldUpdater.newUpdater(CallState.class, "messagesSent");
    private static final AtomicIntegerFieldUpdater<CallState> MESSAGES_RECEIVED =
        AtomicIntegerFieldUpdater.newUpdater(CallState.class, "messagesReceived");

    final PerfTracer tracer;
    final RpcMethod method;
    final String authority;

    /** The caller's context at {@code start}: the operation's parent. */
    private volatile Context parent = Context.current();

    private volatile long startNanos = System.nanoTime();

    /** Guarded by this: set once when the first stream is created or at end. */
    private Operation operation;

    /** Guarded by this: the inner instrumentation's context, when PerfTrace stepped aside. */
    private Context aside;

    private boolean ended;

    @SuppressWarnings("unused") // through the updaters
    private volatile long sent = -1;

    @SuppressWarnings("unused")
    private volatile long received = -1;

    @SuppressWarnings("unused")
    private volatile int messagesSent;

    @SuppressWarnings("unused")
    private volatile int messagesReceived;

    CallState(PerfTracer tracer, RpcMethod method, String authority) {
      this.tracer = tracer;
      this.method = method;
      this.authority = authority;
    }

    void started() {
      parent = Context.current();
      startNanos = System.nanoTime();
    }

    @Override
    public ClientStreamTracer newClientStreamTracer(
        ClientStreamTracer.StreamInfo info, Metadata headers) {
      try {
        Operation op = decide();
        if (op != null && headers != null) {
          // every attempt's headers (a retry gets a fresh copy of the application's)
          try (Scope ignored = op.makeCurrent()) {
            tracer.inject(headers, MetadataCarrier.INSTANCE);
          }
        }
      } catch (RuntimeException e) {
        // nothing started: the call goes on untraced
      }
      return new AttemptTracer(this);
    }

    /**
     * On the first stream: when a span other than the caller's is current, an instrumentation
     * between this interceptor and the transport (the Java agent's) owns the call's span, and
     * PerfTrace steps aside; otherwise it starts its operation. Returns the operation to inject,
     * or null when stepping aside or ended.
     */
    private synchronized Operation decide() {
      if (operation != null || aside != null || ended) {
        return ended ? null : operation;
      }
      Context current = Context.current();
      SpanContext inner = Span.fromContext(current).getSpanContext();
      if (inner.isValid()
          && !inner.isRemote()
          && !inner.equals(Span.fromContext(parent).getSpanContext())) {
        aside = current;
        String correlationId =
            Baggage.fromContext(current).getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY);
        if (correlationId != null) {
          Span.fromContext(current).setAttribute(PerfAttributes.CORRELATION_ID, correlationId);
        }
        return null;
      }
      operation = startOperation();
      return operation;
    }

    private Operation startOperation() {
      return tracer
          .operation(method.fullName)
          .setSpanKind(SpanKind.CLIENT)
          .setParent(parent)
          .setAttribute(RpcMethod.RPC_SYSTEM, RpcMethod.GRPC)
          .setAttribute(RpcMethod.RPC_SERVICE, method.service)
          .setAttribute(RpcMethod.RPC_METHOD, method.method)
          .startDetached();
    }

    void messageSent() {
      MESSAGES_SENT.incrementAndGet(this);
    }

    void messageReceived() {
      MESSAGES_RECEIVED.incrementAndGet(this);
    }

    void wireSent(long bytes) {
      add(SENT, bytes);
    }

    void wireReceived(long bytes) {
      add(RECEIVED, bytes);
    }

    private void add(AtomicLongFieldUpdater<CallState> field, long bytes) {
      if (bytes < 0) {
        return; // the transport does not know the size
      }
      if (field.get(this) < 0 && field.compareAndSet(this, -1, bytes)) {
        return;
      }
      field.addAndGet(this, bytes);
    }

    /** Ends the call once: outcome from {@code status}, bytes by direction, then the span. */
    void end(Status status) {
      Operation op;
      Context asideContext;
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
        if (operation == null && aside == null) {
          operation = startOperation(); // no stream was created (failed or cancelled early)
        }
        op = operation;
        asideContext = aside;
      }
      long bytesSent = SENT.get(this);
      long bytesReceived = RECEIVED.get(this);
      if (op != null) {
        Outcomes.apply(op, status);
        op.setAttribute(RpcMethod.MESSAGES_SENT, MESSAGES_SENT.get(this));
        op.setAttribute(RpcMethod.MESSAGES_RECEIVED, MESSAGES_RECEIVED.get(this));
        try (Scope ignored = op.makeCurrent()) {
          recordBytes(bytesSent, bytesReceived);
        }
        op.close();
      } else {
        Outcomes.recordAside(
            tracer,
            method.fullName,
            Duration.ofNanos(Math.max(0, System.nanoTime() - startNanos)),
            status);
        try (Scope ignored = asideContext.makeCurrent()) {
          recordBytes(bytesSent, bytesReceived);
        }
      }
    }

    private void recordBytes(long bytesSent, long bytesReceived) {
      if (bytesSent >= 0) {
        tracer.recordBytes(Direction.OUT, authority, bytesSent);
      }
      if (bytesReceived >= 0) {
        tracer.recordBytes(Direction.IN, authority, bytesReceived);
      }
    }
  }

  /** One attempt's stream: adds wire sizes to the call's sums (no allocation per message). */
  static final class AttemptTracer extends ClientStreamTracer {
    private final CallState state;

    AttemptTracer(CallState state) {
      this.state = state;
    }

    @Override
    public void outboundWireSize(long bytes) {
      state.wireSent(bytes);
    }

    @Override
    public void inboundWireSize(long bytes) {
      state.wireReceived(bytes);
    }
  }

  static final class TracingCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final CallState state;

    TracingCall(ClientCall<Q, R> delegate, CallState state) {
      super(delegate);
      this.state = state;
    }

    @Override
    public void start(Listener<R> responseListener, Metadata headers) {
      Listener<R> listener;
      try {
        state.started();
        listener = new TracingListener<>(responseListener, state);
      } catch (RuntimeException e) {
        listener = responseListener;
      }
      SpanContext previous = STARTING.get();
      STARTING.set(Span.current().getSpanContext());
      try {
        super.start(listener, headers);
      } finally {
        if (previous == null) {
          STARTING.remove();
        } else {
          STARTING.set(previous);
        }
      }
    }

    @Override
    public void sendMessage(Q message) {
      super.sendMessage(message);
      state.messageSent();
    }
  }

  static final class TracingListener<R>
      extends ForwardingClientCallListener.SimpleForwardingClientCallListener<R> {
    private final CallState state;

    TracingListener(ClientCall.Listener<R> delegate, CallState state) {
      super(delegate);
      this.state = state;
    }

    @Override
    public void onMessage(R message) {
      state.messageReceived();
      super.onMessage(message);
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      try {
        state.end(status);
      } catch (RuntimeException e) {
        // recording never breaks the call
      }
      super.onClose(status, trailers);
    }
  }
}
