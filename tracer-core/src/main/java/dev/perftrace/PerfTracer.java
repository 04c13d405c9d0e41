package dev.perftrace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The PerfTrace entry point: records operation timing, bandwidth, cache-tier results and
 * correlation IDs onto OpenTelemetry spans and metrics.
 *
 * <p>Thread safety: implementations are safe for concurrent use by any number of threads. Create
 * one per instrumentation scope (library) and share it.
 *
 * <p>Failure model: methods that <em>record</em> never throw into the caller and never block on
 * I/O; bad input (blank or oversized names, control characters, negative byte counts, unknown
 * cache tiers, invalid correlation IDs) is sanitized or dropped, counted on the {@code
 * perftrace.telemetry.rejected} counter by reason, and logged at most once per reason. Only
 * configuration ({@link #builder}, {@link #cache}) throws, naming the offending parameter.
 *
 * <p>Correlation IDs are carried as OpenTelemetry baggage and stamped on spans; they never become
 * metric attributes. Every metric and attribute is listed in {@code docs/telemetry.md}.
 */
public interface PerfTracer {

  /** Returns a tracer with default limits over {@code openTelemetry}, for the given scope name. */
  static PerfTracer create(OpenTelemetry openTelemetry, String instrumentationScopeName) {
    return builder(openTelemetry, instrumentationScopeName).build();
  }

  /** Returns a builder for a tracer over {@code openTelemetry} with the given scope name. */
  static PerfTracerBuilder builder(OpenTelemetry openTelemetry, String instrumentationScopeName) {
    return new PerfTracerBuilder(openTelemetry, instrumentationScopeName);
  }

  /**
   * Returns the shared no-op tracer: it runs the caller's code, propagates exceptions unchanged,
   * records nothing and allocates nothing on the recording paths.
   */
  static PerfTracer noop() {
    return dev.perftrace.internal.NoopPerfTracer.INSTANCE;
  }

  // ---- operations ---------------------------------------------------------------------------

  /**
   * Starts an operation: a span made current until {@link Operation#close()}, which records the
   * duration (monotonic clock) on the {@code perftrace.operation.duration} histogram. Use with
   * try-with-resources. Operations started while another is current become its children.
   */
  Operation start(String operationName);

  /**
   * Starts an operation without making it current: for work handed between threads. Its parent
   * is the current context. Make it current where it runs with {@link Operation#makeCurrent()}
   * (in try-with-resources) and end it with {@link Operation#close()} from any thread; that close
   * ends and records once and touches no thread's context.
   */
  Operation startDetached(String operationName);

  /**
   * Returns the PerfTrace operation current on this thread (whose span is the current span), or
   * a no-op operation when there is none (also inside a raw OpenTelemetry span made current
   * within an operation). Closing the returned operation ends it as {@link Operation#close()}
   * says; it is meant for attributes and {@code fail} from code deep inside an operation.
   */
  Operation currentOperation();

  /**
   * Returns a builder for an operation with a span kind, start attributes, links or an explicit
   * parent. {@code tracer.operation(name).start()} is {@code tracer.start(name)}.
   */
  OperationBuilder operation(String operationName);

  /** Runs {@code callable} as an operation; its exception is recorded and rethrown unchanged. */
  <T> T call(String operationName, Callable<T> callable) throws Exception;

  /**
   * As {@link #call(String, Callable)}, keeping the task's own checked exception type: {@code
   * String body = tracer.callChecked("store.load", () -> load(key));} throws only what {@code
   * load} throws ({@code IOException}, say). A null task is dropped ({@code argument_null}) and
   * {@code null} returned.
   */
  <T, E extends Exception> T callChecked(String operationName, CheckedCallable<T, E> task)
      throws E;

  /** Runs {@code runnable} as an operation; its exception is recorded and rethrown unchanged. */
  void run(String operationName, Runnable runnable);

  /**
   * Times an asynchronous operation. The span is current while {@code stageSupplier} runs (so
   * operations it starts synchronously are children) and ends when the supplier's stage completes,
   * fails or is cancelled, on whichever thread completes it. Returns a dependent stage of the same
   * type that completes with the same value or exception only after the span has ended and the
   * duration was recorded (so {@code join()} returning means both happened); cancelling it
   * cancels the supplier's stage. For a {@code CompletableFuture} (or a subclass whose {@code
   * newIncompleteFuture} returns its own type) and for stages whose {@code whenComplete} returns
   * their own type, that is what is returned; any other stage type is returned as is (its
   * continuations may then run before the operation ends). If the supplier throws, the failure is
   * recorded and the exception rethrown unchanged. The no-op tracer returns the supplier's stage.
   */
  <T, S extends CompletionStage<T>> S callAsync(String operationName, Supplier<S> stageSupplier);

  /**
   * As {@link #callAsync(String, Supplier)}, handing the running {@link Operation} to {@code
   * stageFunction} (to set attributes or {@link Operation#failWithType fail} it from the async
   * code).
   */
  <T, S extends CompletionStage<T>> S callAsyncWith(
      String operationName, java.util.function.Function<Operation, S> stageFunction);

  /** Records a duration measured elsewhere, as a successful operation (no span is created). */
  void recordDuration(String operationName, Duration duration);

  /**
   * Records a duration measured elsewhere; a non-null {@code error} records the operation as
   * failed with that error's type (no span is created).
   */
  void recordDuration(String operationName, Duration duration, Throwable error);

  /**
   * Records a duration measured elsewhere as a failed operation with an error type that is not an
   * exception (an HTTP status code, a gRPC status name), as {@link Operation#failWithType} does for
   * a tracked operation: the type is sanitized and bounded like every {@code error.type} (extra
   * values fold into {@code _OTHER}; a null or blank type is counted and becomes {@code _OTHER}).
   * No span is created.
   */
  void recordDurationWithErrorType(String operationName, Duration duration, String errorType);

  /**
   * Returns a proxy for {@code target} through which every call of an {@code iface} method is an
   * operation named {@code SimpleInterfaceName.method}. Methods returning {@link CompletionStage}
   * are timed until the stage completes. {@code equals}, {@code hashCode} and {@code toString}
   * pass through untimed.
   *
   * @throws IllegalArgumentException if {@code iface} is not an interface
   */
  <T> T instrument(Class<T> iface, T target);

  // ---- bandwidth ----------------------------------------------------------------------------

  /**
   * Records one transfer of {@code bytes} in {@code direction} with {@code source} (a peer or
   * data source; bounded, see {@link PerfTracerBuilder#setMaxSources}). Adds to the byte counter,
   * the transfer-size histogram and the current operation's byte totals.
   */
  void recordBytes(Direction direction, String source, long bytes);

  /**
   * Starts a streaming transfer whose chunks are summed cheaply and recorded as one transfer when
   * the returned handle is closed.
   */
  Transfer startTransfer(Direction direction, String source);

  // ---- caches -------------------------------------------------------------------------------

  /**
   * Returns the named cache with its tiers, ordered from nearest (checked first) to farthest,
   * for example {@code cache("content", "memory", "disk", "remote")}. Repeated calls with the same
   * name return an equivalent handle; handles are cheap and may be kept in a field.
   *
   * @throws IllegalArgumentException naming {@code cacheName} or {@code tiers} when the name is
   *     blank, no tier is given, or a tier is blank or repeated
   */
  TieredCache cache(String cacheName, String... tiers);

  // ---- correlation --------------------------------------------------------------------------

  /** Opens a correlation scope with a newly generated correlation ID. */
  CorrelationScope correlate();

  /**
   * Opens a correlation scope with {@code correlationId}. An invalid ID (null, blank, longer than
   * 128 characters, or with characters outside {@code [A-Za-z0-9._:-]}) is replaced by a generated
   * one, counted and logged once.
   */
  CorrelationScope correlate(String correlationId);

  /** Returns the correlation ID of the current context, or {@code null} when there is none. */
  String currentCorrelationId();

  /**
   * Continues work that arrived from another process: extracts W3C {@code traceparent} and
   * {@code baggage} from {@code carrier}, makes the remote context current and opens a
   * correlation scope with the carried correlation ID (or a generated one when none is carried or
   * it is invalid). Oversized or malformed header values are ignored and counted.
   */
  <C> CorrelationScope extract(C carrier, TextMapGetter<C> getter);

  /** {@link #extract(Object, TextMapGetter)} for a map of header names to values. */
  CorrelationScope extract(Map<String, String> headers);

  /** Injects the current trace context and baggage as W3C headers into {@code carrier}. */
  <C> void inject(C carrier, TextMapSetter<C> setter);

  /** {@link #inject(Object, TextMapSetter)} into a mutable map of headers. */
  void inject(Map<String, String> headers);

  /** Returns a task that runs with the caller's current context (and correlation MDC). */
  Runnable wrap(Runnable task);

  /** Returns a task that runs with the caller's current context (and correlation MDC). */
  <T> Callable<T> wrap(Callable<T> task);

  /** Returns an executor that runs each task with the context current when it was submitted. */
  Executor wrap(Executor executor);

  /** Returns an executor service that runs each task with the context current at submission. */
  ExecutorService wrap(ExecutorService executorService);

  /**
   * Returns a scheduled executor service that runs each task (each run of a periodic task too)
   * with the context current when it was scheduled. A null task throws {@code
   * NullPointerException}, as the interface says.
   */
  java.util.concurrent.ScheduledExecutorService wrap(
      java.util.concurrent.ScheduledExecutorService scheduledExecutorService);
}
