package dev.perftrace;

/**
 * A task that returns a value and may throw the checked exception {@code E}, for {@link
 * PerfTracer#callChecked}: the caller's own checked exception type passes through instead of
 * {@code Exception}.
 *
 * <p>Thread safety: as the implementation.
 *
 * @param <T> the result type
 * @param <E> the checked exception type thrown
 */
@FunctionalInterface
public interface CheckedCallable<T, E extends Exception> {
  /** Runs the task. */
  T call() throws E;
}
