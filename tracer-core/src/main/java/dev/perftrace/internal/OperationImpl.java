package dev.perftrace.internal;

import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A running operation: its span, its context (span plus this operation under {@link #KEY}), the
 * scope that made it current, and the byte and cache totals recorded while it was current.
 * Internal: not API.
 *
 * <p>Thread safety: {@link #fail}, the setters, the totals and {@link #end} may be called from
 * any thread ({@link #end} runs once); {@link #close()} and {@link #detach()} must run on the
 * starting thread.
 */
final class OperationImpl implements Operation {

  /** Context key of the current PerfTrace operation (shared by every tracer). */
  static final ContextKey<OperationImpl> KEY = ContextKey.named("perftrace-operation");

  private static final VarHandle ENDED;
  private static final VarHandle FAILURE;
  private static final VarHandle TOTALS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ENDED = lookup.findVarHandle(OperationImpl.class, "ended", int.class);
      FAILURE = lookup.findVarHandle(OperationImpl.class, "failure", Throwable.class);
      TOTALS = lookup.findVarHandle(OperationImpl.class, "totals", Totals.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Outcome marker in {@link #failure} for a cancelled operation. */
  private static final Throwable CANCELLED = new CancellationException();

  private final OperationDescriptor descriptor;
  private final Span span;
  private final Context context;
  private final long startNanos;
  private Scope scope;

  @SuppressWarnings("unused") // through ENDED
  private volatile int ended;

  @SuppressWarnings("unused") // through FAILURE
  private volatile Throwable failure;

  /** Created on the first byte or cache record, so plain operations don't pay for it. */
  private volatile Totals totals;

  OperationImpl(OperationDescriptor descriptor, Span span, Context parent) {
    DefaultPerfTracer owner = descriptor.owner;
    this.descriptor = descriptor;
    this.span = span;
    this.context = parent.with(span).with(KEY, this);
    // no exemplar for the in-flight count: record it outside the span's context
    owner.instruments.operationActive.add(1, descriptor.nameOnly, Context.root());
    this.scope = context.makeCurrent();
    this.startNanos = owner.ticker.read();
  }

  /** Returns the operation current in {@code context}, or null. */
  static OperationImpl current(Context context) {
    return context.get(KEY);
  }

  Context context() {
    return context;
  }

  @Override
  public void fail(Throwable error) {
    DefaultPerfTracer owner = descriptor.owner;
    if (error == null) {
      owner.rejections.reject(Reason.ARGUMENT_NULL, "Operation.fail(null)");
      return;
    }
    if (error instanceof CancellationException) {
      cancel(); // a cancellation is not a failure: outcome cancelled, status left unset
      return;
    }
    if (ended != 0 || !FAILURE.compareAndSet(this, null, error)) {
      return;
    }
    try {
      span.setStatus(StatusCode.ERROR);
      span.recordException(error);
      span.setAttribute(PerfAttributes.ERROR_TYPE, error.getClass().getName());
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
  }

  /** Marks the operation cancelled (outcome {@code cancelled}, span status left unset). */
  void cancel() {
    if (ended == 0) {
      FAILURE.compareAndSet(this, null, CANCELLED);
    }
  }

  @Override
  public Operation setAttribute(String key, String value) {
    if (ended == 0 && key != null) {
      span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Operation setAttribute(String key, long value) {
    if (ended == 0 && key != null) {
      span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Span span() {
    return span;
  }

  private Totals totals() {
    Totals t = totals;
    if (t == null) {
      Totals created = new Totals();
      t = TOTALS.compareAndSet(this, null, created) ? created : totals;
    }
    return t;
  }

  void addBytesIn(long bytes) {
    if (ended == 0) {
      totals().add(Totals.BYTES_IN, bytes);
    }
  }

  void addBytesOut(long bytes) {
    if (ended == 0) {
      totals().add(Totals.BYTES_OUT, bytes);
    }
  }

  void addCache(boolean hit) {
    if (ended == 0) {
      totals().add(hit ? Totals.HITS : Totals.MISSES, 1L);
    }
  }

  @Override
  public void close() {
    try {
      end();
    } finally {
      detach();
    }
  }

  /** Restores the context that was current when the operation started, without ending it. */
  void detach() {
    Scope s = scope;
    if (s != null) {
      scope = null;
      try {
        s.close();
      } catch (RuntimeException e) {
        descriptor.owner.rejections.internalError(e);
      }
    }
  }

  /** Ends the span and records the duration; only the first call has an effect. Never throws. */
  void end() {
    if (!ENDED.compareAndSet(this, 0, 1)) {
      return;
    }
    DefaultPerfTracer owner = descriptor.owner;
    try {
      long elapsed = owner.ticker.read() - startNanos;
      Totals t = totals;
      if (t != null) {
        t.setOn(span);
      }
      span.end();
      Throwable error = failure;
      Attributes attributes;
      if (error == null) {
        attributes = descriptor.success;
      } else if (error == CANCELLED) {
        attributes = descriptor.cancelled;
      } else {
        attributes = descriptor.error(owner.errorType(error));
      }
      owner.instruments.operationDuration.record(
          elapsed < 0 ? 0 : elapsed / 1e9, attributes, context);
      owner.instruments.operationActive.add(-1, descriptor.nameOnly, Context.root());
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
  }

  /** Byte and cache totals of one operation; added to from any thread. */
  static final class Totals {
    static final int BYTES_IN = 0;
    static final int BYTES_OUT = 1;
    static final int HITS = 2;
    static final int MISSES = 3;

    private final AtomicLongArray values = new AtomicLongArray(4);

    void add(int index, long delta) {
      values.addAndGet(index, delta);
    }

    void setOn(Span span) {
      long in = values.get(BYTES_IN);
      long out = values.get(BYTES_OUT);
      long hits = values.get(HITS);
      long misses = values.get(MISSES);
      if (in != 0) {
        span.setAttribute(PerfAttributes.BYTES_RECEIVED, in);
      }
      if (out != 0) {
        span.setAttribute(PerfAttributes.BYTES_SENT, out);
      }
      if (hits != 0 || misses != 0) {
        span.setAttribute(PerfAttributes.CACHE_HITS, hits);
        span.setAttribute(PerfAttributes.CACHE_MISSES, misses);
      }
    }
  }
}
