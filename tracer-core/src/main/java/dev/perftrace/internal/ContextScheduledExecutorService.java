package dev.perftrace.internal;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduled executor service that runs every task (each run of a periodic one too) with the
 * context (and correlation MDC) current when it was scheduled. Internal: not API.
 *
 * <p>Thread safety: as safe as the delegate.
 */
final class ContextScheduledExecutorService extends ContextExecutorService
    implements ScheduledExecutorService {
  private final ScheduledExecutorService delegate;

  ContextScheduledExecutorService(DefaultPerfTracer owner, ScheduledExecutorService delegate) {
    super(owner, delegate);
    this.delegate = delegate;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return delegate.schedule(owner.wrapTask(command), delay, Objects.requireNonNull(unit));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return delegate.schedule(owner.wrapTask(callable), delay, Objects.requireNonNull(unit));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return delegate.scheduleAtFixedRate(owner.wrapTask(command), initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return delegate.scheduleWithFixedDelay(owner.wrapTask(command), initialDelay, delay, unit);
  }
}
