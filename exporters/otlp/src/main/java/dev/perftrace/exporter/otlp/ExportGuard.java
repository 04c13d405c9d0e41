package dev.perftrace.exporter.otlp;

import static java.util.Objects.requireNonNull;

import dev.perftrace.exporter.otlp.internal.GuardCore;
import dev.perftrace.exporter.otlp.internal.GuardedMetricExporter;
import dev.perftrace.exporter.otlp.internal.GuardedSpanExporter;
import dev.perftrace.exporter.otlp.internal.Health;
import dev.perftrace.exporter.otlp.internal.QueueDropMeterProvider;
import dev.perftrace.exporter.otlp.internal.SelfMetrics;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Keeps one signal's exporter from harming the application, and reports its health: a circuit
 * breaker in front of the exporter, counters of exported and dropped items, and the last outcome.
 *
 * <p>Thread safety: safe for concurrent use. {@link #wrap} never blocks and never throws; while
 * the circuit is open a batch is dropped at once (counted as {@link DropReason#CIRCUIT_OPEN}).
 *
 * <p>Circuit breaker: closed until {@link Builder#setFailureThreshold failureThreshold}
 * consecutive exports fail; then open for {@link Builder#setCooldown cooldown} (measured with the
 * injectable {@link Clock}); then half-open: the next batch is the single trial export, which
 * closes the circuit on success or opens it again on failure. A trial that never completes
 * counts as failed after another cool-down.
 *
 * <pre>{@code
 * ExportGuard guard = ExportGuard.builder(Signal.TRACES).build();
 * SpanExporter exporter = guard.wrap(OtlpExporters.spanExporter(settings));
 * BatchSpanProcessor processor = BatchSpanProcessor.builder(exporter)
 *     .setMeterProvider(guard.queueDropMeterProvider())   // counts queue_full drops
 *     .build();
 * ExporterHealth health = guard.health();
 * }</pre>
 */
public final class ExportGuard {

  private final GuardCore core;

  private ExportGuard(GuardCore core) {
    this.core = core;
  }

  /** Returns a builder for a guard of {@code signal}. */
  public static Builder builder(Signal signal) {
    return new Builder(signal);
  }

  /** Returns the signal this guard watches. */
  public Signal signal() {
    return core.signal();
  }

  /** Returns {@code exporter} behind this guard's circuit breaker and counters. */
  public SpanExporter wrap(SpanExporter exporter) {
    requireNonNull(exporter, "exporter");
    return new GuardedSpanExporter(exporter, core);
  }

  /** Returns {@code exporter} behind this guard's circuit breaker and counters. */
  public MetricExporter wrap(MetricExporter exporter) {
    requireNonNull(exporter, "exporter");
    return new GuardedMetricExporter(exporter, core);
  }

  /**
   * Returns a meter provider to give to {@code BatchSpanProcessorBuilder.setMeterProvider}: the
   * processor reports spans dropped because its bounded queue is full through it, and they are
   * counted here as {@link DropReason#QUEUE_FULL}. Its other instruments are no-ops.
   */
  public MeterProvider queueDropMeterProvider() {
    return new QueueDropMeterProvider(core);
  }

  /** Counts {@code items} dropped for {@code reason} elsewhere (for example by a custom queue). */
  public void recordDropped(DropReason reason, long items) {
    requireNonNull(reason, "reason");
    if (items < 0) {
      throw new IllegalArgumentException("items must not be negative: " + items);
    }
    core.drop(reason, items);
  }

  /** Returns a snapshot of the current health. */
  public ExporterHealth health() {
    synchronized (core) {
      java.util.EnumMap<DropReason, Long> dropped = new java.util.EnumMap<>(DropReason.class);
      for (DropReason reason : DropReason.values()) {
        dropped.put(reason, core.dropped(reason));
      }
      return new ExporterHealth(
          core.signal(),
          Health.of(core),
          core.circuit(),
          core.lastSuccess(),
          core.lastFailure(),
          core.lastError(),
          core.consecutiveFailures(),
          core.failures(),
          core.exported(),
          dropped);
    }
  }

  /**
   * Registers the exporter self-metrics ({@code perftrace.exporter.state}, {@code
   * perftrace.exporter.circuit.state}, {@code perftrace.exporter.exported}, {@code
   * perftrace.exporter.dropped}, {@code perftrace.exporter.failures}) for {@code guards} on
   * {@code meter}, as observable instruments read at collection time. Close the result to
   * unregister them.
   */
  public static AutoCloseable registerSelfMetrics(Meter meter, Collection<ExportGuard> guards) {
    requireNonNull(meter, "meter");
    requireNonNull(guards, "guards");
    List<GuardCore> cores = new ArrayList<>();
    for (ExportGuard guard : guards) {
      cores.add(requireNonNull(guard, "guards element").core);
    }
    return new SelfMetrics(meter, cores);
  }

  @Override
  public String toString() {
    return "ExportGuard{signal=" + core.signal().attributeValue() + "}";
  }

  /**
   * Builds an {@link ExportGuard}.
   *
   * <p>Thread safety: not thread-safe; use from one thread.
   */
  public static final class Builder {
    /** Default consecutive failures that open the circuit. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 3;
    /** Default time the circuit stays open before a trial export. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(5);

    private final Signal signal;
    private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
    private Duration cooldown = DEFAULT_COOLDOWN;
    private Clock clock = Clock.getDefault();
    private final List<String> secrets = new ArrayList<>();

    private Builder(Signal signal) {
      this.signal = requireNonNull(signal, "signal");
    }

    /** Sets how many consecutive failed exports open the circuit (at least 1; default 3). */
    public Builder setFailureThreshold(int failureThreshold) {
      if (failureThreshold < 1) {
        throw new IllegalArgumentException(
            "failureThreshold must be at least 1: " + failureThreshold);
      }
      this.failureThreshold = failureThreshold;
      return this;
    }

    /** Sets how long the circuit stays open before a trial export (positive; default 5 s). */
    public Builder setCooldown(Duration cooldown) {
      requireNonNull(cooldown, "cooldown");
      if (cooldown.isNegative() || cooldown.isZero()) {
        throw new IllegalArgumentException("cooldown must be positive: " + cooldown);
      }
      this.cooldown = cooldown;
      return this;
    }

    /** Sets the clock for the cool-down and the health timestamps (tests inject a fake one). */
    public Builder setClock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds values (header values such as API keys) that must never appear in {@link
     * ExporterHealth#lastError()} or in log messages; they are replaced by {@code ****}.
     */
    public Builder addSecrets(Collection<String> values) {
      requireNonNull(values, "values");
      for (String value : values) {
        secrets.add(requireNonNull(value, "values element"));
      }
      return this;
    }

    /** Builds the guard. */
    public ExportGuard build() {
      return new ExportGuard(new GuardCore(signal, failureThreshold, cooldown, clock, secrets));
    }

    @Override
    public String toString() {
      return "ExportGuard.Builder{signal=" + signal.attributeValue()
          + ", failureThreshold=" + failureThreshold + ", cooldown=" + cooldown + "}";
    }
  }
}
