package dev.perftrace.internal;

import dev.perftrace.CacheLookup;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
import dev.perftrace.Transfer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The no-op tracer: runs the caller's code and records nothing. Every recording path returns a
 * shared singleton and allocates nothing. Internal: reach it through {@link PerfTracer#noop()}.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class NoopPerfTracer implements PerfTracer {

  /** The single instance. */
  public static final NoopPerfTracer INSTANCE = new NoopPerfTracer();

  private NoopPerfTracer() {}

  @Override
  public Operation start(String operationName) {
    return NoopOperation.INSTANCE;
  }

  @Override
  public Operation startDetached(String operationName) {
    return NoopOperation.INSTANCE;
  }

  @Override
  public <T, E extends Exception> T callChecked(
      String operationName, dev.perftrace.CheckedCallable<T, E> task) throws E {
    return task == null ? null : task.call();
  }

  @Override
  public Operation currentOperation() {
    return NoopOperation.INSTANCE;
  }

  @Override
  public dev.perftrace.OperationBuilder operation(String operationName) {
    return NoopOperationBuilder.INSTANCE;
  }

  private enum NoopOperationBuilder implements dev.perftrace.OperationBuilder {
    INSTANCE;

    @Override
    public dev.perftrace.OperationBuilder setSpanKind(
        io.opentelemetry.api.trace.SpanKind spanKind) {
      return this;
    }

    @Override
    public dev.perftrace.OperationBuilder setAttribute(String key, String value) {
      return this;
    }

    @Override
    public dev.perftrace.OperationBuilder setAttribute(String key, long value) {
      return this;
    }

    @Override
    public dev.perftrace.OperationBuilder setMetricAttribute(String key, String value) {
      return this;
    }

    @Override
    public dev.perftrace.OperationBuilder addLink(
        io.opentelemetry.api.trace.SpanContext spanContext) {
      return this;
    }

    @Override
    public dev.perftrace.OperationBuilder setParent(io.opentelemetry.context.Context parent) {
      return this;
    }

    @Override
    public Operation start() {
      return NoopOperation.INSTANCE;
    }

    @Override
    public Operation startDetached() {
      return NoopOperation.INSTANCE;
    }
  }

  @Override
  public <T> T call(String operationName, Callable<T> callable) throws Exception {
    return callable == null ? null : callable.call();
  }

  @Override
  public void run(String operationName, Runnable runnable) {
    if (runnable != null) {
      runnable.run();
    }
  }

  @Override
  public <T, S extends CompletionStage<T>> S callAsync(
      String operationName, Supplier<S> stageSupplier) {
    return stageSupplier == null ? null : stageSupplier.get();
  }

  @Override
  public <T, S extends CompletionStage<T>> S callAsyncWith(
      String operationName, java.util.function.Function<Operation, S> stageFunction) {
    return stageFunction == null ? null : stageFunction.apply(NoopOperation.INSTANCE);
  }

  @Override
  public void recordDuration(String operationName, Duration duration) {}

  @Override
  public void recordDuration(String operationName, Duration duration, Throwable error) {}

  @Override
  public void recordDurationWithErrorType(
      String operationName, Duration duration, String errorType) {}

  @Override
  public <T> T instrument(Class<T> iface, T target) {
    if (iface == null || !iface.isInterface()) {
      throw new IllegalArgumentException("iface must be an interface, was " + iface);
    }
    java.util.Objects.requireNonNull(target, "target");
    if (!iface.isInstance(target)) {
      throw new IllegalArgumentException("target must implement " + iface.getName());
    }
    return target;
  }

  @Override
  public void recordBytes(Direction direction, String source, long bytes) {}

  @Override
  public Transfer startTransfer(Direction direction, String source) {
    return NoopTransfer.INSTANCE;
  }

  @Override
  public TieredCache cache(String cacheName, String... tiers) {
    return new NoopCache(CacheNames.validate(cacheName, tiers));
  }

  @Override
  public CorrelationScope correlate() {
    return NoopCorrelationScope.INSTANCE;
  }

  @Override
  public CorrelationScope correlate(String correlationId) {
    return NoopCorrelationScope.INSTANCE;
  }

  @Override
  public String currentCorrelationId() {
    return null;
  }

  @Override
  public <C> CorrelationScope extract(C carrier, TextMapGetter<C> getter) {
    return NoopCorrelationScope.INSTANCE;
  }

  @Override
  public CorrelationScope extract(Map<String, String> headers) {
    return NoopCorrelationScope.INSTANCE;
  }

  @Override
  public <C> void inject(C carrier, TextMapSetter<C> setter) {}

  @Override
  public void inject(Map<String, String> headers) {}

  @Override
  public Runnable wrap(Runnable task) {
    return task;
  }

  @Override
  public <T> Callable<T> wrap(Callable<T> task) {
    return task;
  }

  @Override
  public Executor wrap(Executor executor) {
    return executor;
  }

  @Override
  public ExecutorService wrap(ExecutorService executorService) {
    return executorService;
  }

  @Override
  public java.util.concurrent.ScheduledExecutorService wrap(
      java.util.concurrent.ScheduledExecutorService scheduledExecutorService) {
    return scheduledExecutorService;
  }

  @Override
  public String toString() {
    return "PerfTracer.noop()";
  }

  private enum NoopOperation implements Operation {
    INSTANCE;

    @Override
    public void fail(Throwable error) {}

    @Override
    public void failWithType(String errorType) {}

    @Override
    public Operation setAttribute(String key, String value) {
      return this;
    }

    @Override
    public Operation setAttribute(String key, long value) {
      return this;
    }

    @Override
    public Operation setMetricAttribute(String key, String value) {
      return this;
    }

    @Override
    public Scope makeCurrent() {
      return Scope.noop();
    }

    @Override
    public Span span() {
      return Span.getInvalid();
    }

    @Override
    public void close() {}
  }

  private enum NoopTransfer implements Transfer {
    INSTANCE;

    @Override
    public void chunk(long bytes) {}

    @Override
    public long bytes() {
      return 0;
    }

    @Override
    public void close() {}
  }

  private enum NoopCorrelationScope implements CorrelationScope {
    INSTANCE;

    @Override
    public String correlationId() {
      return "";
    }

    @Override
    public void close() {}
  }

  private enum NoopLookup implements CacheLookup {
    INSTANCE;

    @Override
    public void hit(String tier) {}

    @Override
    public void miss(String tier) {}

    @Override
    public void close() {}
  }

  private static final class NoopCache implements TieredCache {
    private final CacheNames names;

    NoopCache(CacheNames names) {
      this.names = names;
    }

    @Override
    public String name() {
      return names.name();
    }

    @Override
    public List<String> tiers() {
      return names.tiers();
    }

    @Override
    public void recordHit(String tier) {}

    @Override
    public void recordMiss(String tier) {}

    @Override
    public void recordLookup(String servingTier) {}

    @Override
    public void recordTierLatency(String tier, boolean hit, Duration latency) {}

    @Override
    public CacheLookup startLookup() {
      return NoopLookup.INSTANCE;
    }
  }
}
