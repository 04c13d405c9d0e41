package dev.perftrace.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for a condition by polling with a deadline, instead of sleeping a fixed time.
 *
 * <p>Thread safety: stateless; safe for concurrent use.
 */
public final class Poll {

  private static final long PAUSE_MILLIS = 20;

  private Poll() {}

  /**
   * Calls {@code probe} until {@code done} accepts its result or {@code timeout} passes; returns
   * the accepted result. Exceptions from the probe count as "not yet" and the last one is attached
   * to the {@link AssertionError} thrown at the deadline.
   */
  public static <T> T until(
      String what, Duration timeout, Callable<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    Exception lastError = null;
    while (true) {
      try {
        last = probe.call();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (Exception e) {
        lastError = e;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError error =
            new AssertionError(
                "Timed out after " + timeout + " waiting for " + what + "; last value: " + last);
        if (lastError != null) {
          error.initCause(lastError);
        }
        throw error;
      }
      pause();
    }
  }

  /** Polls until {@code condition} returns true or {@code timeout} passes. */
  public static void until(String what, Duration timeout, Callable<Boolean> condition) {
    until(what, timeout, condition, Boolean.TRUE::equals);
  }

  private static void pause() {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while polling", e);
    }
  }
}
