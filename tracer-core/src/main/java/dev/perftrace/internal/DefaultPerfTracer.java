package dev.perftrace.internal;

import dev.perftrace.CacheLookup;
import dev.perftrace.CorrelationScope;
import dev.perftrace.Direction;
import dev.perftrace.Operation;
import dev.perftrace.PerfTracer;
import dev.perftrace.TieredCache;
import dev.perftrace.Transfer;
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
 * PLACEHOLDER: delegates to the no-op tracer until the real implementation lands. Internal.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class DefaultPerfTracer implements PerfTracer {
  private final PerfTracer delegate = NoopPerfTracer.INSTANCE;

  /** Creates the tracer. */
  public DefaultPerfTracer(OpenTelemetry openTelemetry, TracerConfig config) {}

  @Override
  public Operation start(String operationName) {
    return delegate.start(operationName);
  }

  @Override
  public <T> T call(String operationName, Callable<T> callable) throws Exception {
    return delegate.call(operationName, callable);
  }

  @Override
  public void run(String operationName, Runnable runnable) {
    delegate.run(operationName, runnable);
  }

  @Override
  public <T, S extends CompletionStage<T>> S callAsync(
      String operationName, Supplier<S> stageSupplier) {
    return delegate.callAsync(operationName, stageSupplier);
  }

  @Override
  public void recordDuration(String operationName, Duration duration) {}

  @Override
  public void recordDuration(String operationName, Duration duration, Throwable error) {}

  @Override
  public <T> T instrument(Class<T> iface, T target) {
    return delegate.instrument(iface, target);
  }

  @Override
  public void recordBytes(Direction direction, String source, long bytes) {}

  @Override
  public Transfer startTransfer(Direction direction, String source) {
    return delegate.startTransfer(direction, source);
  }

  @Override
  public TieredCache cache(String cacheName, String... tiers) {
    return delegate.cache(cacheName, tiers);
  }

  @Override
  public CorrelationScope correlate() {
    return delegate.correlate();
  }

  @Override
  public CorrelationScope correlate(String correlationId) {
    return delegate.correlate(correlationId);
  }

  @Override
  public String currentCorrelationId() {
    return null;
  }

  @Override
  public <C> CorrelationScope extract(C carrier, TextMapGetter<C> getter) {
    return delegate.extract(carrier, getter);
  }

  @Override
  public CorrelationScope extract(Map<String, String> headers) {
    return delegate.extract(headers);
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

  /** Unused in the placeholder. */
  static CacheLookup unused() {
    return null;
  }
}
