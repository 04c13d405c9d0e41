package dev.perftrace.internal;

import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfAttributes;
import dev.perftrace.PerfTracer;
import dev.perftrace.Ticker;
import dev.perftrace.TieredCache;
import dev.perftrace.Transfer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The real tracer: maps operations, transfers, cache tiers and correlation IDs onto the
 * OpenTelemetry API given at build time. Internal: reach it through {@link PerfTracer#create} or
 * {@link PerfTracer#builder}.
 *
 * <p>Thread safety: safe for concurrent use. Names are interned once in bounded registries to
 * descriptors holding precomputed attributes, so steady-state recording builds no attributes or
 * strings.
 */
public final class DefaultPerfTracer implements PerfTracer {
  /** Header values longer than this are ignored and counted as {@code header_invalid}. */
  static final int MAX_HEADER_LENGTH = 8192;

  /** Span attribute of proxy operations (semantic convention {@code code.function.name}). */
  static final AttributeKey<String> CODE_FUNCTION_NAME =
      AttributeKey.stringKey("code.function.name");

  /** Used when the OpenTelemetry instance has no propagator (the no-op one). */
  private static final TextMapPropagator W3C =
      TextMapPropagator.composite(
          W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());

  /** The application's configured propagator (B3, Jaeger, X-Ray, W3C...), or {@link #W3C}. */
  private final TextMapPropagator propagator;

  final Instruments instruments;
  /** {@link Ticker#system()} is read after the span start (it cannot throw), others before. */
  final Ticker ticker;
  final Rejections rejections;
  /** What every tracer of this scope on this OpenTelemetry instance shares. */
  final ScopeTelemetry scope;
  private final TracerConfig config;
  private final Names names;
  private final BoundedRegistry<OperationDescriptor> operations;
  private final BoundedRegistry<SourceDescriptor> sources;
  private final BoundedRegistry<String> cacheNames;
  private final BoundedRegistry<String> cacheTiers;
  private final BoundedRegistry<String> errorTypes;
  /** Declared metric attribute keys of this tracer, and their (scope-shared) value registries. */
  private final String[] metricKeys;
  private final AttributeKey<?>[] metricAttributeKeys;
  private final List<BoundedRegistry<String>> metricValues;
  private final ConcurrentHashMap<String, TieredCacheImpl> caches = new ConcurrentHashMap<>();
  private final Mdc mdc;

  /** Creates the tracer from validated configuration. */
  public DefaultPerfTracer(OpenTelemetry openTelemetry, TracerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.scope = ScopeTelemetry.of(Objects.requireNonNull(openTelemetry, "openTelemetry"), config);
    this.instruments = scope.instruments;
    this.ticker = config.ticker();
    this.propagator = propagatorOf(openTelemetry);
    this.rejections = scope.rejections;
    this.names = scope.names;
    this.operations = scope.operations;
    this.sources = scope.sources;
    this.cacheNames = scope.cacheNames;
    this.cacheTiers = scope.cacheTiers;
    this.errorTypes = scope.errorTypes;
    List<TracerConfig.MetricAttribute> declared = config.metricAttributes();
    this.metricKeys = new String[declared.size()];
    this.metricAttributeKeys = new AttributeKey<?>[declared.size()];
    this.metricValues = new ArrayList<>(declared.size());
    for (int i = 0; i < declared.size(); i++) {
      TracerConfig.MetricAttribute attribute = declared.get(i);
      metricKeys[i] = attribute.key();
      metricAttributeKeys[i] = AttributeKey.stringKey(attribute.key());
      metricValues.add(scope.metricValues(attribute.key(), attribute.maxValues()));
    }
    this.mdc = Mdc.create(config.mdcEnabled(), config.mdcKey());
  }

  private static TextMapPropagator propagatorOf(OpenTelemetry openTelemetry) {
    TextMapPropagator configured;
    try {
      configured = openTelemetry.getPropagators().getTextMapPropagator();
    } catch (RuntimeException e) {
      configured = null;
    }
    return configured == null || configured == TextMapPropagator.noop() ? W3C : configured;
  }

  // ---- operations -----------------------------------------------------------------------------

  /**
   * Starts an operation, or returns null when the name is blank (the caller runs untraced).
   * {@code functionName} may be null.
   */
  OperationImpl startOperation(String operationName, String functionName) {
    return startOperation(operationName, functionName, true);
  }

  /** As {@link #startOperation(String, String)}; {@code attach} false starts it detached. */
  OperationImpl startOperation(String operationName, String functionName, boolean attach) {
    return startOperation(operationName, functionName, attach, null);
  }

  /** As above, with a builder's settings ({@code options} may be null). */
  OperationImpl startOperation(
      String operationName, String functionName, boolean attach, OperationBuilderImpl options) {
    OperationDescriptor descriptor;
    try {
      descriptor = operations.resolve(operationName);
    } catch (RuntimeException e) {
      rejections.internalError(e);
      return null;
    }
    return descriptor == null ? null : startOperation(descriptor, functionName, attach, options);
  }

  /**
   * Returns the descriptor interned under exactly {@code operationName} (a clean name that did not
   * overflow; registries never evict, so it can stand for the name in later calls), or null.
   * Counts nothing.
   */
  OperationDescriptor internedOperation(String operationName) {
    return operations.lookup(operationName);
  }

  /** Starts an operation for an already resolved descriptor, or returns null on failure. */
  OperationImpl startOperation(OperationDescriptor descriptor, String functionName) {
    return startOperation(descriptor, functionName, true, null);
  }

  private OperationImpl startOperation(
      OperationDescriptor descriptor,
      String functionName,
      boolean attach,
      OperationBuilderImpl options) {
    long startNanos = 0;
    boolean systemTicker = ticker == SystemTicker.INSTANCE;
    if (!systemTicker) {
      try {
        startNanos = ticker.read(); // before the span: a throwing Ticker leaves nothing to undo
      } catch (RuntimeException e) {
        rejections.internalError(e); // a broken Ticker: run the caller's code untraced
        return null;
      }
    }
    try {
      Context before = Context.current();
      Context parent = options == null || options.parent() == null ? before : options.parent();
      SpanBuilder builder =
          instruments
              .tracer
              .spanBuilder(descriptor.name)
              .setParent(parent)
              .setAttribute(PerfAttributes.OPERATION_NAME, descriptor.name);
      String correlationId = correlationId(parent);
      if (correlationId != null) {
        builder.setAttribute(PerfAttributes.CORRELATION_ID, correlationId);
      }
      if (functionName != null) {
        builder.setAttribute(CODE_FUNCTION_NAME, functionName);
      }
      if (options != null) {
        options.applyTo(builder);
      }
      Span span = builder.startSpan();
      if (systemTicker) {
        startNanos = System.nanoTime(); // the span start is not part of the measured duration
      }
      OperationImpl operation =
          new OperationImpl(this, descriptor, span, parent, before, startNanos, attach);
      if (options != null) {
        options.applyMetricAttributes(operation);
      }
      return operation;
    } catch (RuntimeException e) {
      rejections.internalError(e);
      return null;
    }
  }

  @Override
  public Operation start(String operationName) {
    OperationImpl operation = startOperation(operationName, null);
    return operation == null ? NoopPerfTracer.INSTANCE.start(operationName) : operation;
  }

  @Override
  public dev.perftrace.OperationBuilder operation(String operationName) {
    return new OperationBuilderImpl(this, operationName);
  }

  /** Starts a builder's operation; a no-op operation when it can't be traced. */
  Operation start(String operationName, OperationBuilderImpl options, boolean attach) {
    OperationImpl operation = startOperation(operationName, null, attach, options);
    return operation == null ? NoopPerfTracer.INSTANCE.start(operationName) : operation;
  }

  @Override
  public Operation currentOperation() {
    OperationImpl current = OperationImpl.current(Context.current());
    return current == null || current.owner != this
        ? NoopPerfTracer.INSTANCE.start(null)
        : current;
  }

  @Override
  public Operation startDetached(String operationName) {
    OperationImpl operation = startOperation(operationName, null, false);
    return operation == null ? NoopPerfTracer.INSTANCE.start(operationName) : operation;
  }

  @Override
  public <T> T call(String operationName, Callable<T> callable) throws Exception {
    if (callable == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "call(" + operationName + ", null)");
      return null;
    }
    OperationImpl operation = startOperation(operationName, null);
    if (operation == null) {
      return callable.call();
    }
    try {
      return callable.call();
    } catch (Throwable t) {
      operation.fail(t);
      throw t;
    } finally {
      operation.close();
    }
  }

  @Override
  public <T, E extends Exception> T callChecked(
      String operationName, dev.perftrace.CheckedCallable<T, E> task) throws E {
    if (task == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "callChecked(" + operationName + ", null)");
      return null;
    }
    OperationImpl operation = startOperation(operationName, null);
    if (operation == null) {
      return task.call();
    }
    try {
      return task.call();
    } catch (Throwable t) {
      operation.fail(t);
      throw t;
    } finally {
      operation.close();
    }
  }

  @Override
  public void run(String operationName, Runnable runnable) {
    if (runnable == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "run(" + operationName + ", null)");
      return;
    }
    OperationImpl operation = startOperation(operationName, null);
    if (operation == null) {
      runnable.run();
      return;
    }
    try {
      runnable.run();
    } catch (Throwable t) {
      operation.fail(t);
      throw t;
    } finally {
      operation.close();
    }
  }

  @Override
  public <T, S extends CompletionStage<T>> S callAsync(
      String operationName, Supplier<S> stageSupplier) {
    if (stageSupplier == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "callAsync(" + operationName + ", null)");
      return null;
    }
    return callAsyncWith(operationName, op -> stageSupplier.get(), "callAsync");
  }

  @Override
  public <T, S extends CompletionStage<T>> S callAsyncWith(
      String operationName, java.util.function.Function<Operation, S> stageFunction) {
    if (stageFunction == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "callAsyncWith(" + operationName + ", null)");
      return null;
    }
    return callAsyncWith(operationName, stageFunction, "callAsyncWith");
  }

  private <T, S extends CompletionStage<T>> S callAsyncWith(
      String operationName, java.util.function.Function<Operation, S> stageFunction, String what) {
    OperationImpl operation = startOperation(operationName, null);
    if (operation == null) {
      return stageFunction.apply(NoopPerfTracer.INSTANCE.start(operationName));
    }
    S stage;
    try {
      stage = stageFunction.apply(operation);
    } catch (Throwable t) {
      operation.fail(t);
      operation.close();
      throw t;
    }
    Context context = operation.detach();
    if (stage == null) {
      operation.finish(context);
      return null;
    }
    @SuppressWarnings("unchecked") // same class as the supplier's stage, or the stage itself
    S result = (S) endWhenComplete(operation, stage, context, stage.getClass());
    return result;
  }

  /** A stage-returning call that may throw anything (a reflective invocation). */
  interface StageCall {
    Object call() throws Throwable;
  }

  /**
   * Runs {@code call} with the operation current and ends the operation with its stage; returns
   * a dependent stage assignable to {@code returnType} (or the call's own result).
   */
  Object finishAsync(OperationImpl operation, StageCall call, Class<?> returnType)
      throws Throwable {
    Object result;
    try {
      result = call.call();
    } catch (Throwable t) {
      operation.fail(t);
      operation.close();
      throw t;
    }
    Context context = operation.detach();
    if (!(result instanceof CompletionStage)) {
      operation.finish(context);
      return result;
    }
    return endWhenComplete(operation, (CompletionStage<?>) result, context, returnType);
  }

  /**
   * Ends the operation when {@code stage} completes and returns a dependent stage that completes
   * the same way only afterwards (cancelling it cancels {@code stage}), when one of a type
   * assignable to {@code required} can be made; otherwise {@code stage} itself, with the end
   * attached. {@code context} is the operation's context, for the duration point's exemplar.
   */
  private <T> CompletionStage<T> endWhenComplete(
      OperationImpl operation, CompletionStage<T> stage, Context context, Class<?> required) {
    try {
      if (stage instanceof CompletableFuture) {
        CompletableFuture<T> source = (CompletableFuture<T>) stage;
        CompletableFuture<T> dependent = source.newIncompleteFuture();
        if (required.isInstance(dependent)) {
          source.whenComplete(
              (value, error) -> {
                end(operation, error, context);
                if (error == null) {
                  dependent.complete(value);
                } else {
                  dependent.completeExceptionally(error);
                }
              });
          dependent.whenComplete(
              (value, error) -> {
                if (dependent.isCancelled()) {
                  source.cancel(false); // the caller gave up: so does the source
                }
              });
          return dependent;
        }
      } else {
        CompletionStage<T> dependent =
            stage.whenComplete((value, error) -> end(operation, error, context));
        if (required.isInstance(dependent)) {
          return dependent; // its action (the end) runs before it completes
        }
        return stage; // the end is attached; the caller's continuations may race it
      }
      stage.whenComplete((value, error) -> end(operation, error, context));
      return stage;
    } catch (RuntimeException e) {
      rejections.internalError(e);
      operation.finish(context);
      return stage;
    }
  }

  /** Ends the operation with a stage's outcome. Never throws. */
  private void end(OperationImpl operation, Throwable error, Context context) {
    if (error != null) {
      operation.fail(error); // unwrapped there; a CancellationException means cancelled
    }
    operation.finish(context);
  }

  private static Throwable unwrap(Throwable error) {
    return Causes.unwrap(error);
  }

  @Override
  public void recordDuration(String operationName, Duration duration) {
    recordDuration(operationName, duration, null);
  }

  @Override
  public void recordDuration(String operationName, Duration duration, Throwable error) {
    try {
      if (duration == null || duration.isNegative()) {
        rejections.reject(
            Reason.DURATION_INVALID,
            "recordDuration(" + operationName + ") duration " + duration + " is null or negative");
        return;
      }
      OperationDescriptor descriptor = operations.resolve(operationName);
      if (descriptor == null) {
        return;
      }
      Attributes attributes;
      if (error == null) {
        attributes = descriptor.success();
      } else {
        Throwable cause = unwrap(error);
        attributes =
            cause instanceof CancellationException
                ? descriptor.cancelled()
                : isError(cause) ? descriptor.error(errorType(cause)) : descriptor.success();
      }
      instruments.operationDuration.record(seconds(duration), attributes);
    } catch (RuntimeException e) {
      rejections.internalError(e);
    }
  }

  @Override
  public void recordDurationWithErrorType(
      String operationName, Duration duration, String errorType) {
    try {
      if (duration == null || duration.isNegative()) {
        rejections.reject(
            Reason.DURATION_INVALID,
            "recordDurationWithErrorType(" + operationName + ") duration " + duration
                + " is null or negative");
        return;
      }
      OperationDescriptor descriptor = operations.resolve(operationName);
      if (descriptor == null) {
        return;
      }
      String type = spanErrorType(errorType);
      String bounded =
          PerfAttributes.ERROR_TYPE_OTHER.equals(type)
              ? PerfAttributes.ERROR_TYPE_OTHER
              : metricErrorType(type);
      instruments.operationDuration.record(seconds(duration), descriptor.error(bounded));
    } catch (RuntimeException e) {
      rejections.internalError(e);
    }
  }

  // ---- declared metric attributes -------------------------------------------------------------

  /** Returns the index of a declared metric attribute key, or -1 after counting the rejection. */
  int metricKeyIndex(String key) {
    String[] keys = metricKeys;
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return i;
      }
    }
    rejections.reject(
        Reason.METRIC_ATTRIBUTE_UNDECLARED,
        "metric attribute '"
            + key
            + "' was not declared with PerfTracerBuilder.addMetricAttribute; dropped");
    return -1;
  }

  int metricKeyCount() {
    return metricKeys.length;
  }

  AttributeKey<?> metricAttributeKey(int index) {
    return metricAttributeKeys[index];
  }

  /** Sanitizes a metric attribute value for the span, or null when blank (counted). */
  String sanitizeMetricValue(int index, String value) {
    return names.sanitize(value, "value of " + metricKeys[index]);
  }

  /** Returns the bounded value of a sanitized value ({@code _overflow} beyond the bound). */
  String boundMetricValue(int index, String sanitized) {
    return metricValues.get(index).resolve(sanitized);
  }

  /** Returns the bounded {@code error.type} value of {@code error}. */
  String errorType(Throwable error) {
    return metricErrorType(error.getClass().getName());
  }

  /** Returns the bounded {@code error.type} metric value of a type name. */
  String metricErrorType(String type) {
    String bounded = errorTypes.resolve(type);
    return bounded == null ? PerfAttributes.ERROR_TYPE_OTHER : bounded;
  }

  /** Returns a sanitized error type for a span ({@code _OTHER} when blank; counted). */
  String spanErrorType(String type) {
    String clean = names.sanitize(type, "error type");
    return clean == null ? PerfAttributes.ERROR_TYPE_OTHER : clean;
  }

  /** True when the classifier counts {@code error} as a failure (also when it throws). */
  boolean isError(Throwable error) {
    try {
      return config.errorClassifier().test(error);
    } catch (RuntimeException e) {
      rejections.internalError(e);
      return true;
    }
  }

  static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  @Override
  public <T> T instrument(Class<T> iface, T target) {
    if (iface == null || !iface.isInterface()) {
      throw new IllegalArgumentException("iface must be an interface, was " + iface);
    }
    Objects.requireNonNull(target, "target");
    if (!iface.isInstance(target)) {
      throw new IllegalArgumentException("target must implement " + iface.getName());
    }
    Object proxy =
        Proxy.newProxyInstance(
            iface.getClassLoader(),
            new Class<?>[] {iface},
            new InstrumentHandler(this, iface, target));
    return iface.cast(proxy);
  }

  // ---- bandwidth ------------------------------------------------------------------------------

  @Override
  public void recordBytes(Direction direction, String source, long bytes) {
    try {
      if (direction == null) {
        rejections.reject(Reason.ARGUMENT_NULL, "recordBytes direction is null");
        return;
      }
      if (bytes < 0) {
        rejections.reject(Reason.BYTES_NEGATIVE, "recordBytes(" + bytes + ")");
        return;
      }
      SourceDescriptor descriptor = sources.resolve(source);
      if (descriptor != null) {
        recordTransfer(direction, descriptor, bytes, Context.current());
      }
    } catch (RuntimeException e) {
      rejections.internalError(e);
    }
  }

  void recordTransfer(Direction direction, SourceDescriptor source, long bytes, Context context) {
    try {
      Series series = source.series(direction);
      series.add(bytes);
      instruments.transferSize.record(bytes, series.attributes, context);
      OperationImpl operation = OperationImpl.current(context);
      if (operation != null) {
        if (direction == Direction.IN) {
          operation.addBytesIn(bytes);
        } else {
          operation.addBytesOut(bytes);
        }
      }
    } catch (RuntimeException e) {
      rejections.internalError(e);
    }
  }

  @Override
  public Transfer startTransfer(Direction direction, String source) {
    Context context = Context.current();
    if (direction == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "startTransfer direction is null");
      return new TransferImpl(this, null, null, context);
    }
    return new TransferImpl(this, direction, sources.resolve(source), context);
  }

  // ---- caches ---------------------------------------------------------------------------------

  @Override
  public TieredCache cache(String cacheName, String... tiers) {
    CacheNames declared = CacheNames.validate(cacheName, tiers);
    List<String> tierNames = new ArrayList<>(declared.tiers().size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < declared.tiers().size(); i++) {
      String tier = names.sanitize(declared.tiers().get(i), "cache tier");
      if (!seen.add(tier)) {
        throw new IllegalArgumentException(
            "tiers[" + i + "] repeats tier '" + tier + "' after sanitizing");
      }
      tierNames.add(tier);
    }
    List<String> tierList = List.copyOf(tierNames);
    String name = cacheNames.resolve(declared.name());
    TieredCacheImpl existing = caches.get(name);
    if (existing != null && existing.descriptor().tiers.equals(tierList)) {
      return existing;
    }
    // tier names are bounded per scope too: further ones fold into _overflow on the metrics
    List<String> metricTiers = new ArrayList<>(tierList.size());
    for (String tier : tierList) {
      metricTiers.add(cacheTiers.resolve(tier));
    }
    TieredCacheImpl created =
        new TieredCacheImpl(this, new CacheDescriptor(scope, name, tierList, metricTiers));
    if (!PerfAttributes.OVERFLOW_VALUE.equals(name)) {
      caches.putIfAbsent(name, created);
    }
    return created;
  }

  /** Sanitizes a tier name as {@link #cache} does at declaration, counting nothing. */
  String sanitizeTier(String tier) {
    return names.sanitize(tier, "cache tier", false);
  }

  // ---- correlation ----------------------------------------------------------------------------

  private static String correlationId(Context context) {
    Baggage baggage = Baggage.fromContextOrNull(context);
    if (baggage == null) {
      return null;
    }
    String id = baggage.getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY);
    if (id == null) {
      return null;
    }
    if (id == lastValidId) {
      return id; // the request's ID, validated at its first operation
    }
    if (!CorrelationIds.isValid(id)) {
      return null;
    }
    lastValidId = id;
    return id;
  }

  /**
   * The last correlation ID found valid: nested and repeated operations of one request skip
   * validating it again. A racy cache on purpose (Strings are immutable and safely published; a
   * miss only validates again).
   */
  private static String lastValidId;

  @Override
  public CorrelationScope correlate() {
    return open(CorrelationIds.generate(), Context.current());
  }

  @Override
  public CorrelationScope correlate(String correlationId) {
    String id = correlationId;
    if (!CorrelationIds.isValid(id)) {
      rejections.reject(
          Reason.CORRELATION_ID_INVALID,
          "correlation ID is null, blank, longer than 128 characters or has characters outside"
              + " [A-Za-z0-9._:-]");
      id = CorrelationIds.generate();
    }
    return open(id, Context.current());
  }

  private CorrelationScope open(String id, Context base) {
    Context before = Context.current();
    Context context =
        base.with(
            Baggage.fromContext(base)
                .toBuilder()
                .put(PerfAttributes.CORRELATION_BAGGAGE_KEY, id)
                .build());
    Scope scope = context.makeCurrent();
    String previous = mdc == null ? null : mdc.put(id);
    return CorrelationScopeImpl.create(id, scope, before, mdc, previous);
  }

  @Override
  public String currentCorrelationId() {
    return correlationId(Context.current());
  }

  @Override
  public <C> CorrelationScope extract(C carrier, TextMapGetter<C> getter) {
    if (carrier == null || getter == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "extract carrier or getter is null");
      return correlate();
    }
    Context base = Context.current();
    GuardedGetter<C> guarded = new GuardedGetter<>(getter, rejections);
    Context extracted;
    try {
      extracted = propagator.extract(base, carrier, guarded);
    } catch (Throwable t) {
      Contain.rethrowIfFatal(t);
      rejections.reject(Reason.HEADER_INVALID, "propagation headers could not be read: " + t);
      extracted = base;
    }
    if (guarded.failure != null) {
      rejections.reject(
          Reason.HEADER_INVALID, "propagation headers could not be read: " + guarded.failure);
    }
    if (guarded.sawTraceparent && Span.fromContext(extracted) == Span.fromContext(base)) {
      rejections.reject(Reason.HEADER_INVALID, "malformed traceparent header");
    }
    // the ID comes from the headers only: baggage propagators replace the baggage when a header
    // is present, so unchanged baggage is the thread's own (maybe stale), never the request's
    Baggage incoming = Baggage.fromContext(extracted);
    String id =
        incoming == Baggage.fromContext(base)
            ? null
            : incoming.getEntryValue(PerfAttributes.CORRELATION_BAGGAGE_KEY);
    if (Span.fromContext(base).getSpanContext().isValid()) {
      // a server span is current already (a framework or the Java agent extracted the headers
      // and made it current): it stays the parent; PerfTrace only adds the correlation ID
      extracted = base;
    }
    if (id == null) {
      id = CorrelationIds.generate();
    } else if (!CorrelationIds.isValid(id)) {
      rejections.reject(
          Reason.CORRELATION_ID_INVALID, "carried correlation ID is invalid; generated a new one");
      id = CorrelationIds.generate();
    }
    return open(id, extracted);
  }

  @Override
  public CorrelationScope extract(Map<String, String> headers) {
    if (headers == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "extract headers is null");
      return correlate();
    }
    return extract(headers, MapGetter.INSTANCE);
  }

  @Override
  public <C> void inject(C carrier, TextMapSetter<C> setter) {
    if (carrier == null || setter == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "inject carrier or setter is null");
      return;
    }
    try {
      propagator.inject(Context.current(), carrier, setter);
    } catch (Throwable t) {
      // a failing setter (an immutable map, say; also Errors and sneaky checked exceptions) must
      // not break the request being traced
      Contain.rethrowIfFatal(t);
      rejections.internalError(t);
    }
  }

  @Override
  public void inject(Map<String, String> headers) {
    if (headers == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "inject headers is null");
      return;
    }
    inject(headers, Map::put);
  }

  /** Reads a header case-insensitively from a map. */
  private enum MapGetter implements TextMapGetter<Map<String, String>> {
    INSTANCE;

    @Override
    @SuppressWarnings("deprecation") // deprecated from 1.6x; still abstract in 1.59
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      if (carrier == null || key == null) {
        return null;
      }
      String value = carrier.get(key);
      if (value != null) {
        return value;
      }
      for (Map.Entry<String, String> entry : carrier.entrySet()) {
        if (key.equalsIgnoreCase(entry.getKey())) {
          return entry.getValue();
        }
      }
      return null;
    }
  }

  /** Ignores and counts oversized header values; notes whether a traceparent was present. */
  private static final class GuardedGetter<C> implements TextMapGetter<C> {
    private final TextMapGetter<C> delegate;
    private final Rejections rejections;
    boolean sawTraceparent;
    /** The first failure of the caller's getter, counted once per extract. */
    Throwable failure;

    GuardedGetter(TextMapGetter<C> delegate, Rejections rejections) {
      this.delegate = delegate;
      this.rejections = rejections;
    }

    @Override
    @SuppressWarnings("deprecation") // deprecated from 1.6x; still abstract in 1.59
    public Iterable<String> keys(C carrier) {
      try {
        Iterable<String> keys = delegate.keys(carrier);
        return keys == null ? List.of() : keys;
      } catch (Throwable t) { // a caller's getter: Errors and sneaky checked exceptions too
        Contain.rethrowIfFatal(t);
        if (failure == null) {
          failure = t;
        }
        return List.of();
      }
    }

    @Override
    public java.util.Iterator<String> getAll(C carrier, String key) {
      List<String> values = new ArrayList<>(2);
      try {
        java.util.Iterator<String> all = delegate.getAll(carrier, key);
        while (all != null && all.hasNext()) {
          String value = checked(key, all.next());
          if (value != null) {
            values.add(value);
          }
        }
      } catch (Throwable t) { // a caller's getter or carrier: Errors and sneaky checked too
        Contain.rethrowIfFatal(t);
        if (failure == null) {
          failure = t;
        }
      }
      return values.iterator();
    }

    @Override
    public String get(C carrier, String key) {
      String value;
      try {
        value = delegate.get(carrier, key);
      } catch (Throwable t) { // a caller's getter or carrier: Errors and sneaky checked too
        Contain.rethrowIfFatal(t);
        if (failure == null) {
          failure = t;
        }
        return null;
      }
      return checked(key, value);
    }

    /** Returns {@code value}, or null (counted) when it is too long; notes a traceparent. */
    private String checked(String key, String value) {
      if (value == null) {
        return null;
      }
      if (value.length() > MAX_HEADER_LENGTH) {
        rejections.reject(
            Reason.HEADER_INVALID,
            "header '" + key + "' longer than " + MAX_HEADER_LENGTH + " characters");
        return null;
      }
      if ("traceparent".equals(key)) {
        sawTraceparent = true;
      }
      return value;
    }
  }

  // ---- context propagation across threads -----------------------------------------------------

  /**
   * Runs tasks in the submitter's context. While the task runs, the MDC holds the submitter's
   * correlation ID (none when it had none, so a pooled thread's leftover value never shows); after
   * it, PerfTrace scopes the task left open are invalidated and the thread's context and MDC are
   * what they were before.
   */
  Runnable wrapTask(Runnable task) {
    // the Executor contract: a null task throws here, not later on the pool thread
    Objects.requireNonNull(task, "task");
    Context context = Context.current();
    String id = mdc == null ? null : correlationId(context);
    return () -> {
      ScopeStack stack = ScopeStack.current();
      int depth = stack.size();
      String previous = enterMdc(id);
      Context before = Context.current();
      Scope scope = context.makeCurrent();
      try {
        task.run();
      } finally {
        leave(stack, depth, scope, before, previous);
      }
    };
  }

  <T> Callable<T> wrapTask(Callable<T> task) {
    Objects.requireNonNull(task, "task");
    Context context = Context.current();
    String id = mdc == null ? null : correlationId(context);
    return () -> {
      ScopeStack stack = ScopeStack.current();
      int depth = stack.size();
      String previous = enterMdc(id);
      Context before = Context.current();
      Scope scope = context.makeCurrent();
      try {
        return task.call();
      } finally {
        leave(stack, depth, scope, before, previous);
      }
    };
  }

  private String enterMdc(String id) {
    if (mdc == null) {
      return null;
    }
    if (id != null) {
      return mdc.put(id);
    }
    String previous = mdc.get();
    if (previous != null) {
      mdc.restore(null);
    }
    return previous;
  }

  private void leave(
      ScopeStack stack, int depth, Scope scope, Context before, String previousMdc) {
    stack.truncate(depth);
    ScopeStack.restore(scope, before);
    if (mdc != null) {
      mdc.restore(previousMdc);
    }
  }

  @Override
  public Runnable wrap(Runnable task) {
    if (task == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "wrap(Runnable null)");
      return null;
    }
    return wrapTask(task);
  }

  @Override
  public <T> Callable<T> wrap(Callable<T> task) {
    if (task == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "wrap(Callable null)");
      return null;
    }
    return wrapTask(task);
  }

  @Override
  public Executor wrap(Executor executor) {
    if (executor == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "wrap(Executor null)");
      return null;
    }
    return command -> executor.execute(wrapTask(command));
  }

  @Override
  public ExecutorService wrap(ExecutorService executorService) {
    if (executorService == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "wrap(ExecutorService null)");
      return null;
    }
    return new ContextExecutorService(this, executorService);
  }

  @Override
  public java.util.concurrent.ScheduledExecutorService wrap(
      java.util.concurrent.ScheduledExecutorService scheduledExecutorService) {
    if (scheduledExecutorService == null) {
      rejections.reject(Reason.ARGUMENT_NULL, "wrap(ScheduledExecutorService null)");
      return null;
    }
    return new ContextScheduledExecutorService(this, scheduledExecutorService);
  }

  @Override
  public String toString() {
    return "PerfTracer[" + config.scopeName() + "]";
  }
}
