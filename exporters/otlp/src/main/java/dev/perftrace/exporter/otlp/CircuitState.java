package dev.perftrace.exporter.otlp;

/**
 * The state of an exporter's circuit breaker: closed (exports go through), open (exports are
 * dropped at once) or half-open (one trial export decides).
 *
 * <p>Thread safety: an immutable enum.
 */
public enum CircuitState {
  /** Exports go to the endpoint. */
  CLOSED(0),
  /** The cool-down has passed; one trial export is under way, other batches are dropped. */
  HALF_OPEN(1),
  /** Too many consecutive failures: batches are dropped until the cool-down passes. */
  OPEN(2);

  private final int gaugeValue;

  CircuitState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  /** Returns the {@code perftrace.exporter.circuit.state} value: 0 closed, 1 half-open, 2 open. */
  public int gaugeValue() {
    return gaugeValue;
  }
}
