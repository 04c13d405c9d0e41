package dev.perftrace.exporter.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportGuardTest {

  private final FakeClock clock = new FakeClock();
  private final ScriptedExporter delegate = new ScriptedExporter();
  private final ExportGuard guard =
      ExportGuard.builder(Signal.TRACES)
          .setFailureThreshold(3)
          .setCooldown(Duration.ofSeconds(10))
          .setClock(clock)
          .addSecrets(List.of("s3cr3t-key"))
          .build();
  private final SpanExporter exporter = guard.wrap(delegate);

  @Test
  void health_beforeAnyExport_isUpAndClosed() {
    ExporterHealth health = guard.health();

    assertThat(health.state()).isEqualTo(HealthState.UP);
    assertThat(health.circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(health.lastSuccess()).isEmpty();
    assertThat(health.lastError()).isEmpty();
    assertThat(health.droppedTotal()).isZero();
  }

  @Test
  void export_success_countsExportedItemsAndLastSuccess() {
    clock.nanos = 5_000_000_000L;

    export(4);

    ExporterHealth health = guard.health();
    assertThat(health.exported()).isEqualTo(4);
    assertThat(health.lastSuccess()).contains(Instant.ofEpochSecond(5));
    assertThat(health.state()).isEqualTo(HealthState.UP);
  }

  @Test
  void export_failuresBelowThreshold_degradedWithCircuitClosed() {
    delegate.fail = true;

    export(2);
    export(2);

    ExporterHealth health = guard.health();
    assertThat(health.state()).isEqualTo(HealthState.DEGRADED);
    assertThat(health.circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(health.consecutiveFailures()).isEqualTo(2);
    assertThat(health.dropped(DropReason.EXPORT_FAILED)).isEqualTo(4);
    assertThat(delegate.calls.get()).isEqualTo(2);
  }

  @Test
  void export_thresholdReached_opensCircuitAndDropsWithoutCallingDelegate() {
    delegate.fail = true;
    export(1);
    export(1);
    export(1);

    CompletableResultCode dropped = export(7);

    ExporterHealth health = guard.health();
    assertThat(dropped.isSuccess()).isFalse();
    assertThat(health.state()).isEqualTo(HealthState.DOWN);
    assertThat(health.circuitState()).isEqualTo(CircuitState.OPEN);
    assertThat(health.dropped(DropReason.CIRCUIT_OPEN)).isEqualTo(7);
    assertThat(health.failures()).isEqualTo(3);
    assertThat(delegate.calls.get()).isEqualTo(3);
  }

  @Test
  void export_afterCooldownTrialSucceeds_closesCircuit() {
    openCircuit();
    delegate.fail = false;
    clock.nanos += Duration.ofSeconds(10).toNanos();

    export(5);

    ExporterHealth health = guard.health();
    assertThat(health.circuitState()).isEqualTo(CircuitState.CLOSED);
    assertThat(health.state()).isEqualTo(HealthState.UP);
    assertThat(health.consecutiveFailures()).isZero();
    assertThat(health.exported()).isEqualTo(5);
  }

  @Test
  void export_afterCooldownTrialFails_reopensForAnotherCooldown() {
    openCircuit();
    clock.nanos += Duration.ofSeconds(10).toNanos();

    export(1);
    export(2);

    ExporterHealth health = guard.health();
    assertThat(health.circuitState()).isEqualTo(CircuitState.OPEN);
    assertThat(health.dropped(DropReason.CIRCUIT_OPEN)).isEqualTo(2);
    assertThat(delegate.calls.get()).isEqualTo(4);
  }

  @Test
  void export_whileTrialInFlight_dropsOtherBatches() {
    openCircuit();
    clock.nanos += Duration.ofSeconds(10).toNanos();
    delegate.pending = true;

    CompletableResultCode trial = export(1);
    export(3);

    assertThat(guard.health().circuitState()).isEqualTo(CircuitState.HALF_OPEN);
    assertThat(guard.health().state()).isEqualTo(HealthState.DEGRADED);
    assertThat(guard.health().dropped(DropReason.CIRCUIT_OPEN)).isEqualTo(3);
    delegate.lastPending.succeed();
    assertThat(trial.isSuccess()).isTrue();
    assertThat(guard.health().circuitState()).isEqualTo(CircuitState.CLOSED);
  }

  @Test
  void export_trialNeverCompletes_countsAsFailedAfterCooldown() {
    openCircuit();
    clock.nanos += Duration.ofSeconds(10).toNanos();
    delegate.pending = true;
    export(1);
    clock.nanos += Duration.ofSeconds(10).toNanos();

    export(1);

    assertThat(guard.health().circuitState()).isEqualTo(CircuitState.OPEN);
  }

  @Test
  void export_delegateThrows_countedAsFailureNotThrown() {
    delegate.throwing = true;

    CompletableResultCode result = export(2);

    assertThat(result.isSuccess()).isFalse();
    assertThat(guard.health().dropped(DropReason.EXPORT_FAILED)).isEqualTo(2);
    assertThat(guard.health().lastError()).contains("IllegalStateException: boom");
  }

  @Test
  void lastError_containingSecret_isMasked() {
    delegate.fail = true;
    delegate.failure = new IllegalStateException("rejected key s3cr3t-key for tenant");

    export(1);

    assertThat(guard.health().lastError())
        .contains("IllegalStateException: rejected key **** for tenant");
    assertThat(guard.health().toString()).doesNotContain("s3cr3t-key");
  }

  @ParameterizedTest
  @CsvSource({"299, 299", "300, 300", "301, 300"})
  void lastError_length_isBoundedTo300Characters(int length, int expected) {
    String prefix = "IllegalStateException: ";
    String message = "e".repeat(length - prefix.length());
    delegate.fail = true;
    delegate.failure = new IllegalStateException(message);

    export(1);

    String lastError = guard.health().lastError().orElseThrow();
    assertThat(lastError).hasSize(expected);
    if (length <= 300) {
      assertThat(lastError).isEqualTo(prefix + message);
    } else {
      assertThat(lastError).isEqualTo((prefix + message).substring(0, 297) + "...");
    }
  }

  @Test
  void logging_firstOpenWarningFirstRecoveryInfo_laterOnesDebug() {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.perftrace.exporter.otlp");
    List<String> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            records.add(record.getLevel() + " " + record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Level before = logger.getLevel();
    logger.setLevel(java.util.logging.Level.ALL);
    logger.addHandler(handler);
    try {
      for (int round = 0; round < 2; round++) {
        openCircuit();
        delegate.fail = false;
        clock.nanos += Duration.ofSeconds(10).toNanos();
        export(1);
        assertThat(guard.health().circuitState()).isEqualTo(CircuitState.CLOSED);
      }
      delegate.fail = true;
      delegate.failure = new IllegalStateException("unrelated");
      export(1); // below the threshold: no log line

      String open =
          "OTLP traces exporter failing (IllegalStateException: refused); circuit open, dropping"
              + " batches for PT10S";
      String recovered = "OTLP traces exporter recovered; circuit closed";
      assertThat(records)
          .containsExactly(
              "WARNING " + open, "INFO " + recovered, "FINE " + open, "FINE " + recovered);
    } finally {
      logger.removeHandler(handler);
      logger.setLevel(before);
    }
  }

  @Test
  void export_timeoutFailure_countedAsTimeout() {
    delegate.fail = true;
    delegate.failure = new java.net.http.HttpTimeoutException("request timed out");

    export(3);

    assertThat(guard.health().dropped(DropReason.TIMEOUT)).isEqualTo(3);
    assertThat(guard.health().dropped(DropReason.EXPORT_FAILED)).isZero();
  }

  @Test
  void queueDropMeterProvider_fullBatchQueue_countsQueueFullDrops() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger exportedSpans = new AtomicInteger();
    SpanExporter blocking =
        new SpanExporter() {
          @Override
          public CompletableResultCode export(Collection<SpanData> spans) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            exportedSpans.addAndGet(spans.size());
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    ExportGuard queueGuard = ExportGuard.builder(Signal.TRACES).build();
    BatchSpanProcessor processor =
        BatchSpanProcessor.builder(queueGuard.wrap(blocking))
            .setMaxQueueSize(4)
            .setMaxExportBatchSize(2)
            .setMeterProvider(queueGuard.queueDropMeterProvider())
            .build();
    int total = 200;
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(processor).build()) {
      for (int i = 0; i < total; i++) {
        Span span = provider.get("test").spanBuilder("op-" + i).startSpan();
        span.end();
      }
      release.countDown();
    }

    long queueFull = queueGuard.health().dropped(DropReason.QUEUE_FULL);
    assertThat(queueFull).isGreaterThanOrEqualTo(total - 4 - 2 - 2);
    assertThat(queueFull + exportedSpans.get()).isEqualTo(total);
    assertThat(queueGuard.health().exported()).isEqualTo(exportedSpans.get());
  }

  @Test
  void builder_invalidArguments_throwNamingTheParameter() {
    ExportGuard.Builder builder = ExportGuard.builder(Signal.METRICS);

    assertThatThrownBy(() -> builder.setFailureThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failureThreshold");
    assertThatThrownBy(() -> builder.setCooldown(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cooldown");
    assertThatThrownBy(() -> builder.setClock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("clock");
  }

  private void openCircuit() {
    delegate.fail = true;
    export(1);
    export(1);
    export(1);
    assertThat(guard.health().circuitState()).isEqualTo(CircuitState.OPEN);
  }

  private CompletableResultCode export(int spans) {
    List<SpanData> batch = new ArrayList<>();
    for (int i = 0; i < spans; i++) {
      batch.add(null);
    }
    return exporter.export(batch);
  }

  /** A span exporter whose outcome the test scripts; it never touches a network. */
  private static final class ScriptedExporter implements SpanExporter {
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean fail;
    volatile boolean throwing;
    volatile boolean pending;
    volatile Throwable failure = new IllegalStateException("refused");
    volatile CompletableResultCode lastPending;

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      calls.incrementAndGet();
      if (throwing) {
        throw new IllegalStateException("boom");
      }
      if (pending) {
        lastPending = new CompletableResultCode();
        return lastPending;
      }
      return fail
          ? CompletableResultCode.ofExceptionalFailure(failure)
          : CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  private static final class FakeClock implements Clock {
    final AtomicLong epochNanos = new AtomicLong();
    volatile long nanos;

    @Override
    public long now() {
      return nanos + epochNanos.get();
    }

    @Override
    public long nanoTime() {
      return nanos;
    }
  }
}
