package dev.perftrace.exporter.otlp.internal;

import dev.perftrace.exporter.otlp.CircuitState;
import dev.perftrace.exporter.otlp.HealthState;

/**
 * Derives the health state from the guard state.
 *
 * <p>This class is internal and is not API. Thread safety: stateless.
 */
public final class Health {

  private Health() {}

  /** Down while the circuit is open, degraded while half-open or failing, up otherwise. */
  public static HealthState of(GuardCore core) {
    CircuitState circuit;
    int failures;
    synchronized (core) {
      circuit = core.circuit();
      failures = core.consecutiveFailures();
    }
    if (circuit == CircuitState.OPEN) {
      return HealthState.DOWN;
    }
    if (circuit == CircuitState.HALF_OPEN || failures > 0) {
      return HealthState.DEGRADED;
    }
    return HealthState.UP;
  }
}
