package dev.perftrace.demo.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the workload did, counted by the demo itself for its progress line (the telemetry is in
 * the PerfTrace metrics). Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use (striped adders).
 */
public final class Stats {
  final LongAdder gets = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder errors = new LongAdder();
  final LongAdder slow = new LongAdder();
  final LongAdder bytesRead = new LongAdder();
  final LongAdder bytesWritten = new LongAdder();

  /** Returns the operations completed (gets and puts, including failed ones). */
  public long operations() {
    return gets.sum() + puts.sum();
  }

  /** Returns the get requests. */
  public long gets() {
    return gets.sum();
  }

  /** Returns the put requests. */
  public long puts() {
    return puts.sum();
  }

  /** Returns the failed requests. */
  public long errors() {
    return errors.sum();
  }

  /** Returns the requests slower than {@link Workload#SLOW_THRESHOLD}. */
  public long slow() {
    return slow.sum();
  }

  /** Returns the content bytes returned by gets. */
  public long bytesRead() {
    return bytesRead.sum();
  }

  /** Returns the content bytes stored by puts. */
  public long bytesWritten() {
    return bytesWritten.sum();
  }
}
