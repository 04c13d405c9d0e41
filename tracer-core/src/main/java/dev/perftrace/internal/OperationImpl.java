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
 * A running operation. Its context holds the SDK span itself as the current span (so {@code
 * Span.current()}, parenting, exemplars and the OpenTelemetry Java agent's context bridge, which
 * only carries spans it created, all see a real span) and this operation under its own {@link
 * #KEY}. It also holds the scope that made it current and the byte and cache totals recorded
 * while it was current. Internal: not API.
 *
 * <p>Layout: seven references, one {@code long} and the header make 48 bytes with compressed
 * oops: the context current at start is kept to restore it even when scopes were closed out of
 * order, next to the parent (the same object unless given explicitly). The operation's own
 * context is not kept: {@link #close()} finds it current, and the async paths capture it at
 * {@link #detach()} and hand it to {@link #finish}.
 *
 * <p>Thread safety: every method may be called from any thread ({@link #finish} runs once);
 * {@link #close()} and {@link #detach()} restore a context only on the starting thread (see
 * {@link ScopeStack}).
 */
final class OperationImpl implements Operation, ScopeStack.Entry {

  private static final VarHandle STATE;
  private static final VarHandle TOTALS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STATE = lookup.findVarHandle(OperationImpl.class, "state", Throwable.class);
      TOTALS = lookup.findVarHandle(OperationImpl.class, "totals", Totals.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The operation in its context, next to (never instead of) its SDK span. */
  static final ContextKey<OperationImpl> KEY = ContextKey.named("perftrace-operation");

  /** Outcome marker in {@link #state} for a cancelled operation. */
  private static final Throwable CANCELLED = new CancellationException();

  /** Marker in {@link #state} once the operation has ended. */
  private static final Throwable ENDED = new CancellationException();

  private final OperationDescriptor descriptor;
  private final Span span;
  private final long startNanos;
  /** The operation's parent context (the current one unless given explicitly). */
  private final Context parent;
  /** The context current at start, restored at close. */
  private final Context before;
  private Scope scope;

  /**
   * {@code null} while running without failure; the failure (first wins) or {@link #CANCELLED}
   * while running; {@link #ENDED} once ended. One field for outcome and end keeps the object at
   * 40 bytes.
   */
  @SuppressWarnings("unused") // through STATE
  private volatile Throwable state;

  /** Created on the first byte or cache record, so plain operations don't pay for it. */
  private volatile Totals totals;

  /**
   * {@code startNanos} is read from the ticker before the span starts (a throwing ticker leaves
   * nothing to undo). The in-flight count goes up last, once nothing else can fail.
   */
  OperationImpl(
      OperationDescriptor descriptor,
      Span span,
      Context parent,
      Context before,
      long startNanos,
      boolean attach) {
    DefaultPerfTracer owner = descriptor.owner;
    this.descriptor = descriptor;
    this.span = span;
    this.parent = parent;
    this.before = before;
    this.startNanos = startNanos;
    if (attach) {
      this.scope = context().makeCurrent();
      ScopeStack.current().push(this);
    }
    try {
      // no exemplar for the in-flight count: record it outside the span's context
      owner.instruments.operationActive.add(1, descriptor.nameOnly, Context.root());
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
  }

  /**
   * Returns the PerfTrace operation whose span is current in {@code context}, or null (also when
   * a span that is not a PerfTrace operation's is current, even inside one).
   */
  static OperationImpl current(Context context) {
    OperationImpl operation = context.get(KEY);
    if (operation == null) {
      return null;
    }
    Span current = Span.fromContext(context);
    // identity under the SDK; under the Java agent's context bridge the current span is a fresh
    // wrapper of the same span, so compare identities
    return current == operation.span
            || current.getSpanContext().equals(operation.span.getSpanContext())
        ? operation
        : null;
  }

  OperationDescriptor descriptor() {
    return descriptor;
  }

  private boolean ended() {
    return state == ENDED;
  }

  @Override
  public void fail(Throwable thrown) {
    DefaultPerfTracer owner = descriptor.owner;
    if (thrown == null) {
      owner.rejections.reject(Reason.ARGUMENT_NULL, "Operation.fail(null)");
      return;
    }
    // CompletionException / ExecutionException wrappers: the real cause is the outcome
    Throwable error = Causes.unwrap(thrown);
    if (error instanceof CancellationException) {
      cancel(); // a cancellation is not a failure: outcome cancelled, status left unset
      return;
    }
    if (!owner.isError(error)) {
      return; // the classifier says this is a normal result: the outcome stays success
    }
    // only the outcome is set here; span status, exception event, error.type and the metric
    // outcome are all applied at end, so a fail racing with close can't split them
    STATE.compareAndSet(this, null, error); // an earlier outcome wins, or the operation ended
  }

  @Override
  public void failWithType(String errorType) {
    if (state != null) {
      return;
    }
    STATE.compareAndSet(this, null, new TypedError(descriptor.owner.spanErrorType(errorType)));
  }

  /** Marks the operation cancelled (outcome {@code cancelled}, span status left unset). */
  void cancel() {
    STATE.compareAndSet(this, null, CANCELLED);
  }

  /**
   * Sets a span attribute; ignored after close or for a null key. Serves both {@link
   * Operation#setAttribute(String, String)} and {@link Span#setAttribute(String, String)}.
   */
  @Override
  public OperationImpl setAttribute(String key, String value) {
    if (key != null && !ended()) {
      span.setAttribute(key, value);
    }
    return this;
  }

  /** As {@link #setAttribute(String, String)}, for both interfaces. */
  @Override
  public OperationImpl setAttribute(String key, long value) {
    if (key != null && !ended()) {
      span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Span span() {
    return span;
  }

  @Override
  public String toString() {
    return "PerfTrace operation " + descriptor.name + " " + span;
  }

  // ---- totals ---------------------------------------------------------------------------------

  private Totals totals() {
    Totals t = totals;
    if (t == null) {
      Totals created = new Totals();
      t = TOTALS.compareAndSet(this, null, created) ? created : totals;
    }
    return t;
  }

  void addBytesIn(long bytes) {
    if (!ended() && !totals().addSaturating(Totals.BYTES_IN, bytes)) {
      saturated();
    }
  }

  void addBytesOut(long bytes) {
    if (!ended() && !totals().addSaturating(Totals.BYTES_OUT, bytes)) {
      saturated();
    }
  }

  private void saturated() {
    descriptor.owner.rejections.reject(
        Reason.BYTES_OVERFLOW,
        "byte total of operation '" + descriptor.name + "' passed Long.MAX_VALUE");
  }

  void addCache(boolean hit) {
    if (!ended()) {
      totals().add(hit ? Totals.HITS : Totals.MISSES, 1L);
    }
  }

  @Override
  public void close() {
    boolean ended = finish(Context.current()); // before the restore: the operation's own context
    Scope s = scope;
    if (s == null) {
      return; // detached, closed already, or an enclosing scope closed first
    }
    if (!ScopeStack.current().remove(this)) {
      if (ended) {
        descriptor.owner.rejections.reject(
            Reason.CLOSE_FOREIGN_THREAD,
            "operation '"
                + descriptor.name
                + "' closed on a thread that did not start it: ended and recorded, but the"
                + " starting thread's context is restored only when a PerfTrace scope enclosing"
                + " it closes there");
      }
      return;
    }
    scope = null;
    ScopeStack.restore(s, before);
  }

  /** The operation's own context: the parent with its span and this operation. */
  private Context context() {
    return parent.with(span).with(KEY, this);
  }

  @Override
  public Scope makeCurrent() {
    if (ended()) {
      return Scope.noop();
    }
    try {
      return context().makeCurrent();
    } catch (RuntimeException e) {
      descriptor.owner.rejections.internalError(e);
      return Scope.noop();
    }
  }

  @Override
  public void invalidate() {
    scope = null;
  }

  /**
   * Restores the context that was current when the operation started, without ending it.
   * Returns the context that was current just before (the operation's, unless the caller's code
   * left a scope open), to end the operation with later; null when already detached or not open
   * on this thread.
   */
  Context detach() {
    Scope s = scope;
    if (s == null || !ScopeStack.current().remove(this)) {
      return null;
    }
    scope = null;
    Context context = Context.current();
    ScopeStack.restore(s, before);
    return context;
  }

  /**
   * Ends the span and records the duration; only the first call has an effect (and returns
   * true). Never throws.
   *
   * <p>The duration point is recorded with {@code context} (the operation's own context, so the
   * point's exemplar is this span and any baggage-based metric view sees the caller's baggage).
   * When {@code context} is null or does not hold this operation (a scope left open inside it),
   * a root context holding this operation is used, which keeps the exemplar right.
   */
  boolean finish(Context context) {
    Throwable outcome;
    do {
      outcome = state;
      if (outcome == ENDED) {
        return false;
      }
    } while (!STATE.compareAndSet(this, outcome, ENDED));
    DefaultPerfTracer owner = descriptor.owner;
    // each step on its own: a throwing Ticker or span processor must not skip the others (the
    // in-flight count above all)
    long elapsed = -1;
    try {
      elapsed = Math.max(0, owner.ticker.read() - startNanos);
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
    try {
      if (outcome != null && outcome != CANCELLED) {
        span.setStatus(StatusCode.ERROR);
        if (outcome instanceof TypedError) {
          span.setAttribute(PerfAttributes.ERROR_TYPE, ((TypedError) outcome).type);
        } else {
          span.recordException(outcome);
          span.setAttribute(PerfAttributes.ERROR_TYPE, outcome.getClass().getName());
        }
      }
      Totals t = totals;
      if (t != null) {
        t.setOn(span);
      }
      span.end();
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
    try {
      if (elapsed >= 0) {
        Attributes attributes;
        if (outcome == null) {
          attributes = descriptor.success;
        } else if (outcome == CANCELLED) {
          attributes = descriptor.cancelled;
        } else if (outcome instanceof TypedError) {
          attributes = descriptor.error(owner.metricErrorType(((TypedError) outcome).type));
        } else {
          attributes = descriptor.error(owner.errorType(outcome));
        }
        Context recordContext =
            context != null && context.get(KEY) == this
                ? context
                : Context.root().with(span).with(KEY, this);
        owner.instruments.operationDuration.record(elapsed / 1e9, attributes, recordContext);
      }
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
    try {
      owner.instruments.operationActive.add(-1, descriptor.nameOnly, Context.root());
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
    return true;
  }

  /** An outcome given as an error type without an exception; never thrown, no stack trace. */
  static final class TypedError extends Throwable {
    private static final long serialVersionUID = 1L;
    final String type;

    TypedError(String type) {
      super(type, null, false, false);
      this.type = type;
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

    /**
     * Adds a non-negative {@code delta}, stopping at {@code Long.MAX_VALUE}; returns false when
     * it had to saturate.
     */
    boolean addSaturating(int index, long delta) {
      while (true) {
        long current = values.get(index);
        long sum = current + delta;
        boolean fits = sum >= 0;
        if (values.compareAndSet(index, current, fits ? sum : Long.MAX_VALUE)) {
          return fits;
        }
      }
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
