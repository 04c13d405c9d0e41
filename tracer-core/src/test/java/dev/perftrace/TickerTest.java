package dev.perftrace;

import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When an operation reads its ticker: {@link Ticker#system()} just after the span has started
 * (the span start is not part of the duration), any other ticker just before (so a throwing
 * ticker leaves no span; see {@code OutcomeTest}).
 */
class TickerTest {
  private static final long SLOW_START_NANOS = Duration.ofMillis(50).toNanos();

  private final InMemoryMetricReader metricReader = InMemoryMetricReader.create();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicLong startProcessed = new AtomicLong();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder().addSpanProcessor(new SlowStartProcessor()).build())
          .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metricReader).build())
          .build();

  /** A span processor whose onStart takes 50 ms of CPU (a slow processor, not a wait for work). */
  private final class SlowStartProcessor implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      events.add("onStart");
      long until = System.nanoTime() + SLOW_START_NANOS;
      while (System.nanoTime() - until < 0) {
        Thread.onSpinWait();
      }
      startProcessed.set(System.nanoTime());
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      events.add("onEnd");
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  @Test
  void system_isOneInstance_andTheBuilderDefault() {
    assertThat(Ticker.system()).isSameAs(Ticker.system());
    assertThat(Ticker.system().toString()).isEqualTo("Ticker.system()");
    long first = Ticker.system().read();
    assertThat(Ticker.system().read()).isGreaterThanOrEqualTo(first);
  }

  @Test
  void systemTicker_startIsReadAfterTheSpanStarted() {
    PerfTracer tracer = PerfTracer.builder(sdk, "ticker.test").build(); // Ticker.system()

    tracer.start("op").close();
    long afterClose = System.nanoTime();

    HistogramPointData point = duration();
    assertThat(point.getCount()).isEqualTo(1);
    // the 50 ms span start is outside: the duration is at most what passed after onStart returned
    assertThat(point.getSum() * 1e9).isLessThanOrEqualTo((double) (afterClose - startProcessed.get()));
    assertThat(point.getSum() * 1e9).isLessThan((double) SLOW_START_NANOS);
  }

  @Test
  void userTicker_isReadBeforeTheSpanStarts_andBeforeItEnds() {
    AtomicLong now = new AtomicLong(1_000);
    PerfTracer tracer =
        PerfTracer.builder(sdk, "ticker.test")
            .setTicker(
                () -> {
                  events.add("ticker");
                  return now.getAndAdd(250);
                })
            .build();

    tracer.start("op").close();

    assertThat(events).containsExactly("ticker", "onStart", "ticker", "onEnd");
    HistogramPointData point = duration();
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getSum()).isEqualTo(250e-9);
  }

  private HistogramPointData duration() {
    List<HistogramPointData> points =
        metricReader.collectAllMetrics().stream()
            .filter(m -> m.getName().equals("perftrace.operation.duration"))
            .flatMap(m -> m.getHistogramData().getPoints().stream())
            .filter(p -> p.getAttributes().equals(outcome("op", "success")))
            .collect(Collectors.toList());
    assertThat(points).hasSize(1);
    return points.get(0);
  }
}
