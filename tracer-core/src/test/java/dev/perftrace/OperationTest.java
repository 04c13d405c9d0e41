package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class OperationTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  static Attributes outcome(String name, String outcome) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME, name, PerfAttributes.OPERATION_OUTCOME, outcome);
  }

  static Attributes error(String name, Class<?> type) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME,
        name,
        PerfAttributes.OPERATION_OUTCOME,
        "error",
        PerfAttributes.ERROR_TYPE,
        type.getName());
  }

  @Test
  void start_endsSpanWithNameKindAndOperationAttribute() {
    try (Operation op = tracer.start("store.get")) {
      op.setAttribute("key", "k1").setAttribute("size", 42L);
    }

    SpanData span = telemetry.span("store.get");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.getAttributes().asMap())
        .isEqualTo(
            Attributes.builder()
                .put(PerfAttributes.OPERATION_NAME, "store.get")
                .put(PerfAttributes.OPERATION_OUTCOME, "success")
                .put("key", "k1")
                .put("size", 42L)
                .build()
                .asMap());
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getInstrumentationScopeInfo().getName()).isEqualTo("test.scope");
  }

  @Test
  void start_makesSpanCurrentUntilClose() {
    Span inside;
    try (Operation op = tracer.start("op")) {
      inside = Span.current();
      assertThat(inside.getSpanContext()).isEqualTo(op.span().getSpanContext());
    }
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    assertThat(inside.getSpanContext().getSpanId())
        .isEqualTo(telemetry.span("op").getSpanId());
  }

  @Test
  void close_recordsTickerDurationInSecondsWithSuccessOutcome() {
    try (Operation op = tracer.start("store.get")) {
      telemetry.ticker.advanceMillis(250);
    }

    HistogramPointData point =
        telemetry.histogram("perftrace.operation.duration", outcome("store.get", "success"));
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getSum()).isEqualTo(0.25);
    assertThat(point.getMin()).isEqualTo(0.25);
    assertThat(point.getMax()).isEqualTo(0.25);
    assertThat(point.getBoundaries()).isEqualTo(PerfTracerBuilder.DEFAULT_DURATION_BUCKETS);
    // 0.25 falls into (0.16, 0.25], bucket 27 of 41
    Long[] expected = new Long[41];
    Arrays.fill(expected, 0L);
    expected[27] = 1L;
    assertThat(point.getCounts()).containsExactly(expected);
    assertThat(telemetry.metric("perftrace.operation.duration").orElseThrow().getUnit())
        .isEqualTo("s");
  }

  @Test
  void close_attachsSpanAsExemplar() {
    try (Operation op = tracer.start("op")) {
      telemetry.ticker.advanceMillis(1);
    }

    HistogramPointData point =
        telemetry.histogram("perftrace.operation.duration", outcome("op", "success"));
    SpanData span = telemetry.span("op");
    assertThat(point.getExemplars()).hasSize(1);
    assertThat(point.getExemplars().get(0).getSpanContext().getSpanId())
        .isEqualTo(span.getSpanId());
    assertThat(point.getExemplars().get(0).getSpanContext().getTraceId())
        .isEqualTo(span.getTraceId());
  }

  @Test
  void close_twiceRecordsOnce() {
    Operation op = tracer.start("op");
    op.close();
    op.close();

    assertThat(telemetry.spans()).hasSize(1);
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("op", "success"))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void start_nestedOperationsAreParentAndChild() {
    try (Operation outer = tracer.start("outer")) {
      try (Operation inner = tracer.start("inner")) {
        telemetry.ticker.advanceMillis(5);
      }
    }

    SpanData outer = telemetry.span("outer");
    SpanData inner = telemetry.span("inner");
    assertThat(inner.getParentSpanId()).isEqualTo(outer.getSpanId());
    assertThat(inner.getTraceId()).isEqualTo(outer.getTraceId());
    assertThat(outer.getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void fail_setsErrorStatusExceptionEventAndErrorType() {
    IOException failure = new IOException("disk gone");
    try (Operation op = tracer.start("store.put")) {
      telemetry.ticker.advanceMillis(10);
      op.fail(failure);
    }

    SpanData span = telemetry.span("store.put");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo("java.io.IOException");
    List<EventData> events = span.getEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getName()).isEqualTo("exception");
    assertThat(events.get(0).getAttributes().get(
            io.opentelemetry.api.common.AttributeKey.stringKey("exception.message")))
        .isEqualTo("disk gone");
    HistogramPointData point =
        telemetry.histogram("perftrace.operation.duration", error("store.put", IOException.class));
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getSum()).isEqualTo(0.01);
  }

  @Test
  void call_returnsValueAndRecordsSuccess() throws Exception {
    String value =
        tracer.call(
            "compute",
            () -> {
              telemetry.ticker.advanceMillis(2);
              return "v";
            });

    assertThat(value).isEqualTo("v");
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("compute", "success"))
            .getSum())
        .isEqualTo(0.002);
  }

  @Test
  void call_rethrowsSameExceptionAndRecordsError() {
    IOException failure = new IOException("boom");

    assertThatThrownBy(
            () ->
                tracer.call(
                    "compute",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(telemetry.span("compute").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(telemetry.histogram(
                "perftrace.operation.duration", error("compute", IOException.class))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void run_rethrowsSameRuntimeException() {
    IllegalStateException failure = new IllegalStateException("bad");

    assertThatThrownBy(
            () ->
                tracer.run(
                    "task",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(telemetry.histogram(
                "perftrace.operation.duration", error("task", IllegalStateException.class))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void run_recordsSuccess() {
    int[] ran = new int[1];
    tracer.run("task", () -> ran[0]++);

    assertThat(ran[0]).isEqualTo(1);
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("task", "success"))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void recordDuration_recordsSuccessPointWithoutSpan() {
    tracer.recordDuration("batch", Duration.ofMillis(1500));

    HistogramPointData point =
        telemetry.histogram("perftrace.operation.duration", outcome("batch", "success"));
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(point.getSum()).isEqualTo(1.5);
    assertThat(telemetry.spans()).isEmpty();
  }

  @Test
  void recordDuration_withErrorRecordsErrorType() {
    tracer.recordDuration("batch", Duration.ofMillis(20), new IllegalArgumentException("x"));

    HistogramPointData point =
        telemetry.histogram(
            "perftrace.operation.duration", error("batch", IllegalArgumentException.class));
    assertThat(point.getSum()).isEqualTo(0.02);
  }

  @Test
  void active_countsOperationsInFlight() {
    Attributes name = Attributes.of(PerfAttributes.OPERATION_NAME, "op");
    try (Operation a = tracer.start("op");
        Operation b = tracer.start("op")) {
      assertThat(telemetry.sum("perftrace.operation.active", name)).isEqualTo(2);
    }
    assertThat(telemetry.sum("perftrace.operation.active", name)).isEqualTo(0);
  }

  @Test
  void setAttribute_afterCloseIsIgnored() {
    Operation op = tracer.start("op");
    op.close();
    op.setAttribute("late", "x");

    assertThat(telemetry.span("op").getAttributes().get(
            io.opentelemetry.api.common.AttributeKey.stringKey("late")))
        .isNull();
  }

  @Test
  void recordDurationWithErrorType_recordsThatTypeWithoutSpan() {
    tracer.recordDurationWithErrorType("fetch", Duration.ofMillis(250), "503");
    tracer.recordDurationWithErrorType("fetch", Duration.ofMillis(750), " 503 ");

    HistogramPointData point =
        telemetry.histogram(
            "perftrace.operation.duration",
            Attributes.of(
                PerfAttributes.OPERATION_NAME, "fetch",
                PerfAttributes.OPERATION_OUTCOME, "error",
                PerfAttributes.ERROR_TYPE, "503"));
    assertThat(point.getCount()).isEqualTo(2);
    assertThat(point.getSum()).isEqualTo(1.0);
    assertThat(telemetry.spans()).isEmpty();
  }

  @Test
  void recordDurationWithErrorType_blankTypeIsOtherAndCounted() {
    tracer.recordDurationWithErrorType("fetch", Duration.ofMillis(10), "  ");

    HistogramPointData point =
        telemetry.histogram(
            "perftrace.operation.duration",
            Attributes.of(
                PerfAttributes.OPERATION_NAME, "fetch",
                PerfAttributes.OPERATION_OUTCOME, "error",
                PerfAttributes.ERROR_TYPE, PerfAttributes.ERROR_TYPE_OTHER));
    assertThat(point.getCount()).isEqualTo(1);
    assertThat(telemetry.nonZeroRejections())
        .extracting(p -> p.getAttributes().get(PerfAttributes.REASON), p -> p.getValue())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("name_blank", 1L));
  }

  @Test
  void recordDuration_withCancellationRecordsCancelled() {
    tracer.recordDuration(
        "batch", Duration.ofMillis(5), new java.util.concurrent.CancellationException());

    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("batch", "cancelled"))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void build_instrumentationVersionIsReportedOnSpansAndMetrics() {
    PerfTracer versioned = telemetry.builder().setInstrumentationVersion("1.2.3").build();
    versioned.run("op", () -> {});

    assertThat(telemetry.span("op").getInstrumentationScopeInfo().getVersion()).isEqualTo("1.2.3");
    assertThat(telemetry.metric("perftrace.operation.duration").orElseThrow()
            .getInstrumentationScopeInfo().getVersion())
        .isEqualTo("1.2.3");
  }

  @Test
  void build_customDurationBucketsAreUsed() {
    // a scope of its own: instruments of one scope are shared, and the first advice wins
    PerfTracer custom =
        PerfTracer.builder(telemetry.sdk, "custom.scope")
            .setTicker(telemetry.ticker)
            .setDurationBuckets(List.of(0.1, 1.0))
            .build();
    try (Operation op = custom.start("op")) {
      telemetry.ticker.advanceMillis(500);
    }

    HistogramPointData point =
        telemetry.histogram("perftrace.operation.duration", outcome("op", "success"));
    assertThat(point.getBoundaries()).containsExactly(0.1, 1.0);
    assertThat(point.getCounts()).containsExactly(0L, 1L, 0L);
  }

  @Test
  void call_cancellationIsRecordedAsCancelledNotError() {
    java.util.concurrent.CancellationException cancellation =
        new java.util.concurrent.CancellationException("stop");

    assertThatThrownBy(
            () ->
                tracer.call(
                    "op",
                    () -> {
                      throw cancellation;
                    }))
        .isSameAs(cancellation);

    SpanData span = telemetry.span("op");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getEvents()).isEmpty();
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("op", "cancelled"))
            .getCount())
        .isEqualTo(1);
  }
}
