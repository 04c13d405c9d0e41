package dev.perftrace.exporter.otlp;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of one exporter's health: state, circuit state, last success, last error (never
 * containing configured header values), consecutive failures and item counters.
 *
 * <p>Thread safety: immutable; safe for concurrent use. Obtain a fresh one from {@link
 * ExportGuard#health()}.
 */
public final class ExporterHealth {

  private final Signal signal;
  private final HealthState state;
  private final CircuitState circuitState;
  private final Instant lastSuccess;
  private final Instant lastFailure;
  private final String lastError;
  private final int consecutiveFailures;
  private final long failures;
  private final long exported;
  private final Map<DropReason, Long> dropped;

  ExporterHealth(
      Signal signal,
      HealthState state,
      CircuitState circuitState,
      Instant lastSuccess,
      Instant lastFailure,
      String lastError,
      int consecutiveFailures,
      long failures,
      long exported,
      Map<DropReason, Long> dropped) {
    this.signal = signal;
    this.state = state;
    this.circuitState = circuitState;
    this.lastSuccess = lastSuccess;
    this.lastFailure = lastFailure;
    this.lastError = lastError;
    this.consecutiveFailures = consecutiveFailures;
    this.failures = failures;
    this.exported = exported;
    EnumMap<DropReason, Long> copy = new EnumMap<>(DropReason.class);
    for (DropReason reason : DropReason.values()) {
      copy.put(reason, dropped.getOrDefault(reason, 0L));
    }
    this.dropped = Collections.unmodifiableMap(copy);
  }

  /** Returns the signal this exporter carries. */
  public Signal signal() {
    return signal;
  }

  /** Returns up, degraded or down. */
  public HealthState state() {
    return state;
  }

  /** Returns the circuit breaker's state. */
  public CircuitState circuitState() {
    return circuitState;
  }

  /** Returns when an export last succeeded, if ever. */
  public Optional<Instant> lastSuccess() {
    return Optional.ofNullable(lastSuccess);
  }

  /** Returns when an export last failed, if ever. */
  public Optional<Instant> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  /**
   * Returns a short description of the last failure (for example {@code gRPC UNAVAILABLE: ...} or
   * {@code HTTP 503}), with configured secret values masked, if any export failed.
   */
  public Optional<String> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** Returns the number of failed exports since the last success. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Returns the number of failed exports (timeouts included) since start. */
  public long failures() {
    return failures;
  }

  /** Returns the number of items (spans or metric data) exported successfully since start. */
  public long exported() {
    return exported;
  }

  /** Returns the number of items dropped for {@code reason} since start. */
  public long dropped(DropReason reason) {
    return dropped.get(reason);
  }

  /** Returns the number of items dropped for any reason since start. */
  public long droppedTotal() {
    long total = 0;
    for (long count : dropped.values()) {
      total += count;
    }
    return total;
  }

  /** Returns the dropped counts by reason (every reason present). */
  public Map<DropReason, Long> droppedByReason() {
    return dropped;
  }

  @Override
  public String toString() {
    return "ExporterHealth{signal=" + signal.attributeValue()
        + ", state=" + state
        + ", circuit=" + circuitState
        + ", lastSuccess=" + lastSuccess
        + ", lastFailure=" + lastFailure
        + ", lastError=" + lastError
        + ", consecutiveFailures=" + consecutiveFailures
        + ", failures=" + failures
        + ", exported=" + exported
        + ", dropped=" + dropped
        + "}";
  }
}
