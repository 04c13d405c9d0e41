package dev.perftrace;

import static dev.perftrace.OperationTest.error;
import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outcomes: errors without exceptions, the error classifier, everything applied at end, and
 * failures of the Ticker or a span processor never skipping the in-flight count or the restore.
 */
class OutcomeTest {
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  static final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static long active(InMemoryMetricReader reader, String name) {
    return reader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("perftrace.operation.active"))
        .map(MetricData::getLongSumData)
        .flatMap(d -> d.getPoints().stream())
        .filter(p -> name.equals(p.getAttributes().get(PerfAttributes.OPERATION_NAME)))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  @Test
  void failWithType_setsErrorStatusAndTypeWithoutAnExceptionEvent() {
    try (Operation op = telemetry.tracer().start("op")) {
      op.failWithType("http_503");
    }

    SpanData span = telemetry.span("op");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(PerfAttributes.ERROR_TYPE)).isEqualTo("http_503");
    assertThat(span.getEvents()).isEmpty();
    Attributes attributes =
        Attributes.of(
            PerfAttributes.OPERATION_NAME, "op",
            PerfAttributes.OPERATION_OUTCOME, "error",
            PerfAttributes.ERROR_TYPE, "http_503");
    assertThat(telemetry.histogram("perftrace.operation.duration", attributes).getCount())
        .isEqualTo(1);
  }

  @Test
  void failWithType_blankBecomesOtherAndIsCounted() {
    try (Operation op = telemetry.tracer().start("op")) {
      op.failWithType(" ");
    }

    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo("_OTHER");
    assertThat(telemetry.rejected("name_blank")).isEqualTo(1);
  }

  @Test
  void errorClassifier_exceptionItRejectsIsSuccessAndStillRethrown() {
    PerfTracer tracer =
        telemetry.builder().setErrorClassifier(e -> !(e instanceof NotFoundException)).build();
    NotFoundException notFound = new NotFoundException();

    assertThatThrownBy(
            () ->
                tracer.run(
                    "get",
                    () -> {
                      throw notFound;
                    }))
        .isSameAs(notFound);
    assertThatThrownBy(
            () ->
                tracer.run(
                    "get",
                    () -> {
                      throw new IllegalStateException();
                    }))
        .isInstanceOf(IllegalStateException.class);

    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("get", "success")).getCount())
        .isEqualTo(1);
    assertThat(
            telemetry.histogram("perftrace.operation.duration", error("get", IllegalStateException.class))
                .getCount())
        .isEqualTo(1);
    assertThat(telemetry.spans())
        .filteredOn(s -> s.getStatus().getStatusCode() == StatusCode.UNSET)
        .singleElement()
        .satisfies(s -> assertThat(s.getEvents()).isEmpty());
  }

  @Test
  void errorClassifier_thatThrowsCountsTheExceptionAsAFailure() {
    PerfTracer tracer =
        telemetry
            .builder()
            .setErrorClassifier(
                e -> {
                  throw new IllegalArgumentException("classifier bug");
                })
            .build();

    try (Operation op = tracer.start("op")) {
      op.fail(new IllegalStateException());
    }

    assertThat(
            telemetry.histogram("perftrace.operation.duration", error("op", IllegalStateException.class))
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void fail_isAppliedToTheSpanAtEndOnly() {
    Operation op = telemetry.tracer().start("op");
    op.fail(new IllegalStateException("x"));

    SpanData before = ((ReadableSpan) op.span()).toSpanData();
    assertThat(before.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(before.getEvents()).isEmpty();
    op.close();

    SpanData after = telemetry.span("op");
    assertThat(after.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(after.getEvents()).hasSize(1);
    assertThat(after.getEvents().get(0).getName()).isEqualTo("exception");
  }

  @Test
  void tickerThrowingAtStart_runsUntracedAndLeavesNothing() throws Exception {
    PerfTracer tracer =
        telemetry
            .builder()
            .setTicker(
                () -> {
                  throw new IllegalStateException("clock");
                })
            .build();

    assertThat(tracer.call("op", () -> 7)).isEqualTo(7);

    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(telemetry.spans()).isEmpty();
    assertThat(active(telemetry.metricReader, "op")).isZero();
  }

  @Test
  void tickerThrowingAtEnd_endsTheSpanAndTheInFlightCount() {
    AtomicInteger reads = new AtomicInteger();
    PerfTracer tracer =
        telemetry
            .builder()
            .setTicker(
                () -> {
                  if (reads.incrementAndGet() > 1) {
                    throw new IllegalStateException("clock");
                  }
                  return 0;
                })
            .build();

    tracer.start("op").close();

    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(telemetry.span("op").hasEnded()).isTrue();
    assertThat(active(telemetry.metricReader, "op")).isZero();
    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).isEmpty();
  }

  @Test
  void spanProcessorThrowingAtEnd_stillRecordsAndLowersTheInFlightCount() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SpanProcessor throwing =
        new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public void onEnd(ReadableSpan span) {
            throw new IllegalStateException("processor bug");
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }

          @Override
          public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
          }
        };
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .addSpanProcessor(throwing)
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build()) {
      PerfTracer tracer = PerfTracer.builder(sdk, "test.scope").setTicker(telemetry.ticker).build();

      tracer.start("op").close();

      assertThat(Context.current()).isSameAs(Context.root());
      assertThat(exporter.getFinishedSpanItems()).hasSize(1);
      assertThat(active(reader, "op")).isZero();
      assertThat(
              reader.collectAllMetrics().stream()
                  .filter(m -> m.getName().equals("perftrace.operation.duration"))
                  .flatMap(m -> m.getHistogramData().getPoints().stream())
                  .mapToLong(p -> p.getCount())
                  .sum())
          .isEqualTo(1);
    }
  }

  @Test
  void callChecked_recordsTheCheckedExceptionAsTheOutcome() {
    PerfTracer tracer = telemetry.tracer();
    java.io.IOException failure = new java.io.IOException("load");

    assertThatThrownBy(
            () ->
                tracer.callChecked(
                    "load",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(
            telemetry.histogram("perftrace.operation.duration", error("load", java.io.IOException.class))
                .getCount())
        .isEqualTo(1);
  }
}
