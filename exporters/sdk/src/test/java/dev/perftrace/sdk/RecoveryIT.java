package dev.perftrace.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perftrace.exporter.otlp.ExporterHealth;
import dev.perftrace.exporter.otlp.HealthState;
import dev.perftrace.exporter.otlp.Signal;
import dev.perftrace.testing.Poll;
import dev.perftrace.testing.otlp.OtlpGrpcReceiver;
import dev.perftrace.testing.otlp.ReceivedSpan;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Tracer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an outage long enough for grpc-java's reconnect back-off to grow past 10 s, both signals'
 * health is UP again within 10 s of the collector coming back, on the same port (a test-owned
 * port in front of the receivers: {@link SwitchableTcpProxy}).
 */
class RecoveryIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  /** grpc-java's back-off after 20 s of failed connects is 10 s or more (1 s x 1.6^n, ±20 %). */
  private static final Duration OUTAGE = Duration.ofSeconds(20);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);

  @TempDir Path tempDir;

  @Test
  void collectorBackAfterOutage_defaultCooldown_bothSignalsUpWithinTenSeconds() throws Exception {
    OtlpGrpcReceiver first = OtlpGrpcReceiver.start();
    OtlpGrpcReceiver second = null;
    AtomicBoolean producing = new AtomicBoolean(true);
    AtomicLong seq = new AtomicLong();
    try (SwitchableTcpProxy proxy = new SwitchableTcpProxy()) {
      proxy.up(first.port());
      try (PerfTraceSdk sdk =
          PerfTraceSdk.builder()
              .setServiceName("recovery")
              .setPrometheusEnabled(false)
              .setShutdownHook(false)
              .setOtlpFile(tempDir.resolve("unused.jsonl"))
              .setConfigProperties(
                  Map.of(
                      "otel.exporter.otlp.endpoint", proxy.endpoint(),
                      "otel.bsp.schedule.delay", "200",
                      "otel.metric.export.interval", "500"))
              .build()) {
        Tracer tracer = sdk.openTelemetry().getTracer("t");
        LongCounter ticks = sdk.openTelemetry().getMeter("m").counterBuilder("ticks").build();
        Thread producer =
            new Thread(
                () -> {
                  while (producing.get()) {
                    tracer.spanBuilder("tick").setAttribute("seq", seq.incrementAndGet())
                        .startSpan().end();
                    ticks.add(1);
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
                  }
                },
                "test-producer");
        producer.setDaemon(true);
        producer.start();
        Poll.until("both signals exported", WAIT,
            () -> !first.spans().isEmpty() && first.metricNames().contains("ticks"));

        proxy.down();
        first.close();
        Poll.until("both signals DOWN", WAIT,
            () -> state(sdk, Signal.TRACES) == HealthState.DOWN
                && state(sdk, Signal.METRICS) == HealthState.DOWN);
        long outageStart = System.nanoTime();
        Poll.until(
            "an outage of " + OUTAGE + " with health never UP",
            OUTAGE.plus(WAIT),
            () -> {
              assertThat(state(sdk, Signal.TRACES)).isNotEqualTo(HealthState.UP);
              assertThat(state(sdk, Signal.METRICS)).isNotEqualTo(HealthState.UP);
              return System.nanoTime() - outageStart >= OUTAGE.toNanos();
            });

        second = OtlpGrpcReceiver.start();
        long seqAtReturn = seq.get();
        long back = System.nanoTime();
        proxy.up(second.port());
        long[] upAfter = new long[2];
        Poll.until("both signals UP", WAIT, () -> {
          for (Signal signal : Signal.values()) {
            if (upAfter[signal.ordinal()] == 0 && state(sdk, signal) == HealthState.UP) {
              upAfter[signal.ordinal()] = System.nanoTime() - back;
            }
          }
          return upAfter[0] > 0 && upAfter[1] > 0;
        });
        Duration traces = Duration.ofNanos(upAfter[Signal.TRACES.ordinal()]);
        Duration metrics = Duration.ofNanos(upAfter[Signal.METRICS.ordinal()]);
        System.out.printf("recovery after a %s outage: traces UP after %d ms, metrics %d ms%n",
            OUTAGE, traces.toMillis(), metrics.toMillis());
        assertThat(traces).isLessThan(RECOVERY_BOUND);
        assertThat(metrics).isLessThan(RECOVERY_BOUND);
        OtlpGrpcReceiver receiver = second;
        Poll.until("spans made after the return arrive", WAIT, () -> receiver.spans().stream()
            .map(ReceivedSpan::proto)
            .anyMatch(s -> s.getAttributesList().stream()
                .anyMatch(a -> a.getKey().equals("seq") && a.getValue().getIntValue() > seqAtReturn)));
        assertThat(second.spans()).allSatisfy(s -> assertThat(s.name()).isEqualTo("tick"));
        assertThat(second.metricNames()).contains("ticks");
        ExporterHealth health = sdk.health(Signal.TRACES).orElseThrow();
        assertThat(health.consecutiveFailures()).isZero();
        producing.set(false);
        producer.join(WAIT.toMillis());
      }
    } finally {
      producing.set(false);
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  private static HealthState state(PerfTraceSdk sdk, Signal signal) {
    return sdk.health(signal).orElseThrow().state();
  }
}
