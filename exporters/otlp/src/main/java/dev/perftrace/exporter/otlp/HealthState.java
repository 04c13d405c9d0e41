package dev.perftrace.exporter.otlp;

/**
 * The health of one exporter as the application sees it.
 *
 * <p>Thread safety: an immutable enum.
 *
 * <ul>
 *   <li>{@link #UP}: the last export succeeded, or none has been attempted yet;
 *   <li>{@link #DEGRADED}: recent exports failed but the circuit is still closed, or the circuit
 *       is half-open and a trial export is under way;
 *   <li>{@link #DOWN}: the circuit is open; batches are dropped without calling the endpoint.
 * </ul>
 */
public enum HealthState {
  /** Exports succeed. */
  UP(2),
  /** Exports fail, the circuit is not open (yet or any more). */
  DEGRADED(1),
  /** The circuit is open. */
  DOWN(0);

  private final int gaugeValue;

  HealthState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** Returns the value of the {@code perftrace.exporter.state} gauge: 2 up, 1 degraded, 0 down. */
  public int gaugeValue() {
    return gaugeValue;
  }
}
