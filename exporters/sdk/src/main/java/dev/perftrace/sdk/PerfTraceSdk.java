package dev.perftrace.sdk;

import static java.util.Objects.requireNonNull;

import dev.perftrace.PerfTracer;
import dev.perftrace.exporter.otlp.ExportGuard;
import dev.perftrace.exporter.otlp.ExporterHealth;
import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.exporter.prometheus.PrometheusExporter;
import dev.perftrace.sdk.internal.SdkConfig;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.instrumentation.runtimetelemetry.RuntimeTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A configured OpenTelemetry SDK for an application, built in one call: resource (service name
 * and attributes), W3C trace-context and baggage propagators, a bounded batch span processor,
 * OTLP export (gRPC or HTTP, or an OTLP-JSON lines file when no endpoint is configured) behind a
 * circuit breaker with a readable health state, a Prometheus scrape endpoint, JVM runtime metrics
 * and exporter self-metrics. It honours the standard {@code OTEL_*} settings through
 * OpenTelemetry's autoconfigure module (see the module README for the exact list).
 *
 * <p>Thread safety: safe for concurrent use. {@link #close()} is idempotent and flushes.
 *
 * <pre>{@code
 * try (PerfTraceSdk sdk = PerfTraceSdk.builder().setServiceName("store").build()) {
 *   PerfTracer tracer = sdk.tracer("com.example.store");
 *   ...
 * }
 * }</pre>
 */
public final class PerfTraceSdk implements AutoCloseable {

  private static final System.Logger LOGGER = System.getLogger("dev.perftrace.sdk");
  /** The documented bound of {@link #close()}, in seconds. */
  static final int CLOSE_TIMEOUT_SECONDS = 10;

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(CLOSE_TIMEOUT_SECONDS);
  /** Time kept at the end of the close deadline for stopping the runtime and self-metrics. */
  private static final long INSTRUMENTS_RESERVE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long FLUSH_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final int SKIPPED_FLUSH_RETRIES = 20;
  private static final long SKIPPED_FLUSH_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final OpenTelemetrySdk sdk;
  private final SdkConfig config;
  private final Map<Signal, ExportGuard> guards;
  private final PrometheusExporter prometheus;
  private final AutoCloseable selfMetrics;
  private final RuntimeTelemetry runtimeMetrics;
  private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch closeDone = new CountDownLatch(1);

  PerfTraceSdk(
      OpenTelemetrySdk sdk,
      SdkConfig config,
      Map<Signal, ExportGuard> guards,
      PrometheusExporter prometheus,
      boolean registerShutdownHook) {
    this.sdk = sdk;
    this.config = config;
    this.guards = Collections.unmodifiableMap(new EnumMap<>(guards));
    this.prometheus = prometheus;
    this.selfMetrics =
        ExportGuard.registerSelfMetrics(
            sdk.getMeterProvider().get("dev.perftrace.sdk"), this.guards.values());
    this.runtimeMetrics = RuntimeTelemetry.create(sdk);
    if (registerShutdownHook) {
      shutdownHook = new Thread(this::runShutdownHook, "perftrace-sdk-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      shutdownHook = null;
    }
  }

  /** Returns a builder. */
  public static PerfTraceSdkBuilder builder() {
    return new PerfTraceSdkBuilder();
  }

  /** Returns the OpenTelemetry API over this SDK (not registered as the global one). */
  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Returns a {@link PerfTracer} with default limits for {@code scopeName}. */
  public PerfTracer tracer(String scopeName) {
    requireNonNull(scopeName, "scopeName");
    return PerfTracer.create(sdk, scopeName);
  }

  /**
   * Returns the health of each exporter that is on ({@link Signal#TRACES}, {@link
   * Signal#METRICS}), as snapshots.
   */
  public Map<Signal, ExporterHealth> health() {
    Map<Signal, ExporterHealth> health = new EnumMap<>(Signal.class);
    guards.forEach((signal, guard) -> health.put(signal, guard.health()));
    return Collections.unmodifiableMap(health);
  }

  /** Returns the health of {@code signal}'s exporter, if it is on. */
  public Optional<ExporterHealth> health(Signal signal) {
    requireNonNull(signal, "signal");
    ExportGuard guard = guards.get(signal);
    return guard == null ? Optional.empty() : Optional.of(guard.health());
  }

  /** Returns the bound Prometheus port, or -1 when the scrape endpoint is off. */
  public int prometheusPort() {
    return PrometheusWiring.port(prometheus);
  }

  /**
   * Exports pending spans and metrics now, waiting at most {@code timeout}; returns true when
   * both were flushed in time and no export failed or was dropped meanwhile. A metric export
   * already in flight (the periodic one) is waited for and the metrics are then collected and
   * exported again, so that what was recorded before the call is delivered. Never throws on
   * export failure.
   */
  public boolean forceFlush(Duration timeout) {
    requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    long troubleBefore = trouble();
    CompletableResultCode traces = sdk.getSdkTracerProvider().forceFlush();
    // The batch span processor (1.59 to 1.68) answers a flush asked for while its worker is
    // finishing the previous one with that one's completed result, and flushes nothing: spans
    // ended since stay queued. A flush is never complete the moment it is asked for (the worker
    // does it), so a result complete at once is such a skipped flush: ask again.
    for (int i = 0; traces.isDone() && !closed.get() && i < SKIPPED_FLUSH_RETRIES; i++) {
      LockSupport.parkNanos(SKIPPED_FLUSH_PAUSE_NANOS);
      traces = sdk.getSdkTracerProvider().forceFlush();
    }
    boolean metrics = false;
    while (true) {
      CompletableResultCode result = sdk.getSdkMeterProvider().forceFlush();
      // Up to OpenTelemetry 1.6x the periodic reader refuses a collection at once while its
      // previous export is in flight ("Exporter busy"), failing the flush before it returns;
      // later versions queue the flush behind that export. A flush refused at once is tried
      // again shortly, until the deadline, so that what was recorded before the call goes out.
      boolean refusedAtOnce = result.isDone() && !result.isSuccess();
      result.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (result.isSuccess()) {
        metrics = true;
        break;
      }
      if (!refusedAtOnce || System.nanoTime() >= deadline) {
        break;
      }
      LockSupport.parkNanos(Math.min(FLUSH_RETRY_NANOS, Math.max(0, deadline - System.nanoTime())));
    }
    traces.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    return metrics && traces.isSuccess() && trouble() == troubleBefore;
  }

  /** Failed exports plus dropped items over all guards: grows when something was not exported. */
  private long trouble() {
    long sum = 0;
    for (ExportGuard guard : guards.values()) {
      ExporterHealth health = guard.health();
      sum += health.failures() + health.droppedTotal();
    }
    return sum;
  }

  /**
   * Flushes and shuts everything down, returning within 10 s even when the collector hangs (one
   * deadline for the final span export, the last metric export and stopping the runtime and
   * self-metrics); idempotent. A second call while the first is flushing waits for it within the
   * same bound.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      awaitClose();
      return;
    }
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already
      }
    }
    shutdown();
  }

  /** What the shutdown hook runs; package-private so that tests can run it directly. */
  void runShutdownHook() {
    if (closed.compareAndSet(false, true)) {
      shutdown();
    } else {
      // close() is under way on another thread: keep the JVM alive until it has flushed.
      awaitClose();
    }
  }

  private void awaitClose() {
    try {
      closeDone.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdown() {
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    CountDownLatch finished = new CountDownLatch(1);
    AtomicBoolean warned = new AtomicBoolean();
    try {
      // Shut the SDK down first: its final collection still reads the runtime and self-metrics.
      // It runs on its own thread so that an exporter blocking in shutdown (a hung collector)
      // cannot hold close() past the deadline, which traces and metrics share.
      Thread worker =
          new Thread(
              () -> {
                try {
                  CompletableResultCode result = sdk.shutdown();
                  result.join(
                      Math.max(0, deadline - INSTRUMENTS_RESERVE_NANOS - System.nanoTime()),
                      TimeUnit.NANOSECONDS);
                  if (!result.isSuccess()) {
                    warnIncomplete(warned);
                  }
                } finally {
                  closeInstruments();
                  finished.countDown();
                }
              },
              "perftrace-sdk-close");
      worker.setDaemon(true);
      worker.start();
      try {
        if (!finished.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          // The SDK's shutdown call itself blocks (the metric reader waits for a hung export):
          // return at the deadline; the worker stops the instruments when that call returns.
          warnIncomplete(warned);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      closeDone.countDown();
    }
  }

  private static void warnIncomplete(AtomicBoolean warned) {
    if (warned.compareAndSet(false, true)) {
      LOGGER.log(Level.WARNING, "PerfTrace SDK shutdown did not complete within " + CLOSE_TIMEOUT);
    }
  }

  private void closeInstruments() {
    try {
      runtimeMetrics.close();
      selfMetrics.close();
    } catch (Exception e) {
      LOGGER.log(Level.DEBUG, "closing runtime or self-metrics failed", e);
    }
  }

  /** Describes the configuration; never shows header values. */
  @Override
  public String toString() {
    return "PerfTraceSdk{" + (config == null ? "disabled" : config.toString())
        + ", prometheusPort=" + prometheusPort() + "}";
  }
}
