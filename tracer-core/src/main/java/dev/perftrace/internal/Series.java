package dev.perftrace.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.concurrent.atomic.LongAdder;

/**
 * One attribute set of an observable PerfTrace counter: a striped {@link LongAdder} added to on
 * the caller's thread (a few ns, no SDK call) and read by the instrument's callback at
 * collection. A series is reported only once something was added to it (as a synchronous SDK
 * counter's point appears at its first add). Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use. The reported value is the adder's sum: monotonic
 * for a counter that is only added non-negative amounts (every cell only grows), exact whenever
 * no add runs concurrently with the collection.
 */
final class Series {
  final Attributes attributes;
  private final LongAdder adder = new LongAdder();
  private volatile boolean used;

  Series(Attributes attributes) {
    this.attributes = attributes;
  }

  void add(long delta) {
    adder.add(delta);
    if (!used) {
      used = true;
    }
  }

  /** Records the current sum when anything was ever added. */
  void observe(ObservableLongMeasurement measurement) {
    if (used) {
      measurement.record(adder.sum(), attributes);
    }
  }

  long sum() {
    return adder.sum();
  }
}
