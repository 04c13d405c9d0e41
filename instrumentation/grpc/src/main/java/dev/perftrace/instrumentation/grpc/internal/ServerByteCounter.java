package dev.perftrace.instrumentation.grpc.internal;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * Sums the wire sizes of one server stream's messages by direction, and puts itself in the
 * call's gRPC {@link Context} for {@link ServerTracing} to read at the call's end.
 *
 * <p>Thread safety: the sums are atomic (one uncontended add per message, no allocation).
 */
public final class ServerByteCounter extends ServerStreamTracer {
  /** The factory to add to a server builder. */
  public static final ServerStreamTracer.Factory FACTORY =
      new ServerStreamTracer.Factory() {
        @Override
        public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
          return new ServerByteCounter();
        }

        @Override
        public String toString() {
          return "PerfTrace gRPC server byte counter";
        }
      };

  static final Context.Key<ServerByteCounter> KEY = Context.key("perftrace-grpc-bytes");

  private static final AtomicLongFieldUpdater<ServerByteCounter> RECEIVED =
      AtomicLongFieldUpdater.newUpdater(ServerByteCounter.class, "received");
  private static final AtomicLongFieldUpdater<ServerByteCounter> SENT =
      AtomicLongFieldUpdater.newUpdater(ServerByteCounter.class, "sent");

  /** Bytes received, or -1 while the transport has reported no size. */
  private volatile long received = -1;

  /** Bytes sent, or -1 while the transport has reported no size. */
  private volatile long sent = -1;

  /** The transport's non-OK closing status, if any (a cancellation's or a deadline's). */
  private volatile Status closedStatus;

  private ServerByteCounter() {}

  @Override
  public void streamClosed(Status status) {
    if (!status.isOk()) {
      closedStatus = status;
    }
  }

  /** The transport's non-OK closing status, or null. */
  Status closedStatus() {
    return closedStatus;
  }

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void inboundWireSize(long bytes) {
    add(RECEIVED, bytes);
  }

  @Override
  public void outboundWireSize(long bytes) {
    add(SENT, bytes);
  }

  private void add(AtomicLongFieldUpdater<ServerByteCounter> field, long bytes) {
    if (bytes < 0) {
      return; // the transport does not know the size (in-process without size tracing)
    }
    // -1 means "none yet": the first report adds one more
    if (field.get(this) < 0 && field.compareAndSet(this, -1, bytes)) {
      return;
    }
    field.addAndGet(this, bytes);
  }

  /** Bytes received, or -1 when the transport reported none. */
  long received() {
    return received;
  }

  /** Bytes sent, or -1 when the transport reported none. */
  long sent() {
    return sent;
  }
}
