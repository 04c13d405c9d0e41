package dev.perftrace.internal;

import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
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
 * oops, plus the 24-byte {@link OperationContext} holding the parent, the span and this
 * operation (which is the operation's context itself with OpenTelemetry's own context
 * implementation: one object instead of two contexts and two arrays). The context current at
 * start is kept to restore it even when scopes were closed out of order.
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

  @SuppressWarnings("MustBeClosedChecker") // restored by ScopeStack.reattach, see close()
  private static void attachScopeless(Context context) {
    context.makeCurrent();
  }

  /** The operation in its context, next to (never instead of) its SDK span. */
  static final ContextKey<OperationImpl> KEY = ContextKey.named("perftrace-operation");

  /** Outcome marker in {@link #state} for a cancelled operation. */
  private static final Throwable CANCELLED = new CancellationException();

  /** Marker in {@link #state} once the operation has ended. */
  private static final Throwable ENDED = new CancellationException();

  /** The tracer that started it (ticker, error classifier, declared metric attributes). */
  final DefaultPerfTracer owner;
  private final OperationDescriptor descriptor;
  private final long startNanos;
  /** The parent context (the current one unless given explicitly), the span and this. */
  private final OperationContext own;
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
   * {@code startNanos} is read from a user's ticker before the span starts (a throwing ticker
   * leaves nothing to undo), from {@link dev.perftrace.Ticker#system()} just after. The in-flight
   * count goes up last, once nothing else can fail.
   */
  OperationImpl(
      DefaultPerfTracer owner,
      OperationDescriptor descriptor,
      Span span,
      Context parent,
      Context before,
      long startNanos,
      boolean attach) {
    this.owner = owner;
    this.descriptor = descriptor;
    this.own = new OperationContext(parent, span, this);
    this.before = before;
    this.startNanos = startNanos;
    if (attach) {
      ScopeStack stack = ScopeStack.current();
      if (OperationContext.SCOPELESS) {
        attachScopeless(own);
        this.scope = stack.attached; // also names the starting thread's stack for close()
      } else {
        this.scope = context().makeCurrent();
      }
      stack.push(this);
    }
    descriptor.active.add(1); // read by perftrace.operation.active at collection
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
    if (context == operation.own) {
      return operation; // the operation's own context: its span is current by construction
    }
    Span current = Span.fromContext(context);
    Span span = operation.own.span;
    // identity under the SDK; under the Java agent's context bridge the current span is a fresh
    // wrapper of the same span, so compare identities
    return current == span || current.getSpanContext().equals(span.getSpanContext())
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
    STATE.compareAndSet(this, null, new TypedError(owner.spanErrorType(errorType)));
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
      own.span.setAttribute(key, value);
    }
    return this;
  }

  /** As {@link #setAttribute(String, String)}, for both interfaces. */
  @Override
  public OperationImpl setAttribute(String key, long value) {
    if (key != null && !ended()) {
      own.span.setAttribute(key, value);
    }
    return this;
  }

  @Override
  public Operation setMetricAttribute(String key, String value) {
    if (key == null || value == null) {
      owner.rejections.reject(
          Reason.ARGUMENT_NULL, "Operation.setMetricAttribute key or value is null");
      return this;
    }
    if (ended()) {
      return this;
    }
    try {
      int index = owner.metricKeyIndex(key);
      if (index < 0) {
        return this;
      }
      String clean = owner.sanitizeMetricValue(index, value);
      if (clean == null) {
        return this;
      }
      totals().setMetricValue(index, owner.boundMetricValue(index, clean), owner.metricKeyCount());
      own.span.setAttribute(key, clean);
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
    return this;
  }

  @Override
  public Span span() {
    return own.span;
  }

  @Override
  public String toString() {
    return "PerfTrace operation " + descriptor.name + " " + own.span;
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
    owner.rejections.reject(
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
    Scope s = scope;
    // the duration is recorded with the operation's own context (its span for the exemplar, the
    // caller's baggage for views); under a context bridge that context is built on demand, so
    // the current one (normally the operation's) is used there
    boolean ended = finish(OperationContext.ENABLED ? own : Context.current());
    if (s == null) {
      return; // detached, closed already, or an enclosing scope closed first
    }
    ScopeStack stack = ScopeStack.of(s);
    if (!stack.isCurrentThread() || !stack.remove(this)) {
      if (ended) {
        owner.rejections.reject(
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
    return OperationContext.ENABLED ? own : own.parent.with(own.span).with(KEY, this);
  }

  @Override
  public Scope makeCurrent() {
    if (ended()) {
      return Scope.noop();
    }
    try {
      return context().makeCurrent();
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
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
    if (s == null) {
      return null;
    }
    ScopeStack stack = ScopeStack.of(s);
    if (!stack.isCurrentThread() || !stack.remove(this)) {
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
    Throwable outcome = (Throwable) STATE.getAndSet(this, ENDED);
    if (outcome == ENDED) {
      return false;
    }
    // each step on its own: a throwing Ticker or span processor must not skip the others (the
    // in-flight count above all)
    Span span = own.span;
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
      span.setAttribute(PerfAttributes.OPERATION_OUTCOME, outcomeValue(outcome));
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
        String errorType = null;
        if (outcome != null && outcome != CANCELLED) {
          errorType =
              outcome instanceof TypedError
                  ? owner.metricErrorType(((TypedError) outcome).type)
                  : owner.errorType(outcome);
        }
        Totals t = totals;
        String[] values = t == null ? null : t.metricValues();
        if (values != null) {
          attributes = withMetricAttributes(outcome, errorType, values);
        } else if (outcome == null) {
          attributes = descriptor.success();
        } else if (outcome == CANCELLED) {
          attributes = descriptor.cancelled();
        } else {
          attributes = descriptor.error(errorType);
        }
        Context recordContext =
            context == own || (context != null && context.get(KEY) == this)
                ? context
                : OperationContext.ENABLED
                    ? new OperationContext(Context.root(), span, this)
                    : Context.root().with(span).with(KEY, this);
        owner.instruments.operationDuration.record(elapsed / 1e9, attributes, recordContext);
      }
    } catch (RuntimeException e) {
      owner.rejections.internalError(e);
    }
    descriptor.active.add(-1);
    return true;
  }

  private static String outcomeValue(Throwable outcome) {
    return outcome == null
        ? OperationDescriptor.SUCCESS
        : outcome == CANCELLED ? OperationDescriptor.CANCELLED : OperationDescriptor.ERROR;
  }

  /**
   * The duration attributes with the declared metric attributes set on this operation, admitted
   * by the scope's series budget or folded into the outcome's fold set.
   */
  private Attributes withMetricAttributes(Throwable outcome, String errorType, String[] values) {
    AttributesBuilder builder =
        Attributes.builder()
            .put(PerfAttributes.OPERATION_NAME, descriptor.name)
            .put(PerfAttributes.OPERATION_OUTCOME, outcomeValue(outcome));
    if (errorType != null) {
      builder.put(PerfAttributes.ERROR_TYPE, errorType);
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        @SuppressWarnings("unchecked")
        AttributeKey<String> key = (AttributeKey<String>) owner.metricAttributeKey(i);
        builder.put(key, values[i]);
      }
    }
    ScopeTelemetry scope = descriptor.scope;
    Attributes fold =
        outcome == null
            ? scope.durationFoldSuccess
            : outcome == CANCELLED ? scope.durationFoldCancelled : scope.durationFoldError;
    return scope.durationSeries.admit(builder.build(), fold);
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
    /** Bounded values of the declared metric attributes, by declaration index; lazily made. */
    private String[] metricValues;

    synchronized void setMetricValue(int index, String value, int count) {
      if (metricValues == null) {
        metricValues = new String[count];
      }
      metricValues[index] = value;
    }

    /** A copy of the values set, or null when none was. */
    synchronized String[] metricValues() {
      return metricValues == null ? null : metricValues.clone();
    }

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
