package dev.perftrace;

import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.ExemplarData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operation's SDK span is the current span (the operation sits next to it under its own
 * context key): what user code doing {@code Span.current()} and raw OpenTelemetry calls inside an
 * operation observe.
 */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class OperationSpanTest {
  private static final SpanContext LINKED =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    executor.shutdownNow();
    executor.awaitTermination(10, TimeUnit.SECONDS);
    telemetry.close();
  }

  @Test
  void spanCurrent_insideOperationHasTheOperationSpanContext() {
    SpanContext inside;
    try (Operation op = tracer.start("op")) {
      inside = Span.current().getSpanContext();
    }

    SpanData span = telemetry.span("op");
    assertThat(inside.getTraceId()).isEqualTo(span.getTraceId());
    assertThat(inside.getSpanId()).isEqualTo(span.getSpanId());
    assertThat(inside.isSampled()).isTrue();
  }

  @Test
  void spanCurrent_attributesOfEveryTypeLandOnTheOperationSpan() {
    try (Operation op = tracer.start("op")) {
      Span.current()
          .setAttribute("s", "v")
          .setAttribute("l", 7L)
          .setAttribute("d", 1.5)
          .setAttribute("b", true)
          .setAttribute(AttributeKey.longKey("i"), 3)
          .setAttribute(AttributeKey.stringKey("k"), "x")
          .setAllAttributes(Attributes.of(AttributeKey.stringKey("all"), "yes"));
    }

    Attributes attributes = telemetry.span("op").getAttributes();
    assertThat(attributes.get(AttributeKey.stringKey("s"))).isEqualTo("v");
    assertThat(attributes.get(AttributeKey.longKey("l"))).isEqualTo(7L);
    assertThat(attributes.get(AttributeKey.doubleKey("d"))).isEqualTo(1.5);
    assertThat(attributes.get(AttributeKey.booleanKey("b"))).isTrue();
    assertThat(attributes.get(AttributeKey.longKey("i"))).isEqualTo(3L);
    assertThat(attributes.get(AttributeKey.stringKey("k"))).isEqualTo("x");
    assertThat(attributes.get(AttributeKey.stringKey("all"))).isEqualTo("yes");
  }

  @Test
  void spanCurrent_eventsStatusAndNameLandOnTheOperationSpan() {
    try (Operation op = tracer.start("op")) {
      Span.current()
          .addEvent("cache.refresh")
          .addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), 2L))
          .setStatus(StatusCode.ERROR, "bad")
          .updateName("op.renamed");
    }

    SpanData span = telemetry.span("op.renamed");
    assertThat(span.getEvents())
        .extracting(EventData::getName)
        .containsExactly("cache.refresh", "retry");
    assertThat(span.getEvents().get(1).getAttributes().get(AttributeKey.longKey("attempt")))
        .isEqualTo(2L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo("bad");
  }

  @Test
  void spanCurrent_addLinkLandsOnTheOperationSpan() {
    try (Operation op = tracer.start("op")) {
      Span.current().addLink(LINKED, Attributes.of(AttributeKey.stringKey("why"), "batch"));
    }

    SpanData span = telemetry.span("op");
    assertThat(span.getLinks()).hasSize(1);
    assertThat(span.getLinks().get(0).getSpanContext()).isEqualTo(LINKED);
    assertThat(span.getLinks().get(0).getAttributes().get(AttributeKey.stringKey("why")))
        .isEqualTo("batch");
  }

  @Test
  void spanCurrent_isRecordingUntilClose() {
    Span inside;
    try (Operation op = tracer.start("op")) {
      inside = Span.current();
      assertThat(inside.isRecording()).isTrue();
    }
    assertThat(inside.isRecording()).isFalse();
  }

  @Test
  void rawChildSpan_insideOperationIsItsChild() {
    try (Operation op = tracer.start("op")) {
      Span child = telemetry.sdk.getTracer("raw").spanBuilder("raw.child").startSpan();
      child.end();
    }

    SpanData op = telemetry.span("op");
    SpanData child = telemetry.span("raw.child");
    assertThat(child.getParentSpanId()).isEqualTo(op.getSpanId());
    assertThat(child.getTraceId()).isEqualTo(op.getTraceId());
  }

  @Test
  void operation_insideRawChildSpanIsItsChild() {
    try (Operation outer = tracer.start("outer")) {
      Span child = telemetry.sdk.getTracer("raw").spanBuilder("raw.child").startSpan();
      try (Scope scope = child.makeCurrent();
          Operation inner = tracer.start("inner")) {
        telemetry.ticker.advanceMillis(1);
      } finally {
        child.end();
      }
    }

    assertThat(telemetry.span("inner").getParentSpanId())
        .isEqualTo(telemetry.span("raw.child").getSpanId());
    assertThat(telemetry.span("raw.child").getParentSpanId())
        .isEqualTo(telemetry.span("outer").getSpanId());
  }

  @Test
  void contextRebuiltFromTheSpanAlone_doesNotCarryTheOperation() {
    try (Operation op = tracer.start("op")) {
      Context rebuilt = Context.root().with(Span.current());
      try (Scope scope = rebuilt.makeCurrent()) {
        tracer.recordBytes(Direction.IN, "peer-a", 12);
      }
      try (Scope scope = Context.current().makeCurrent()) {
        tracer.recordBytes(Direction.IN, "peer-a", 3);
      }
    }

    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.BYTES_RECEIVED))
        .isEqualTo(3L);
  }

  @Test
  void recordBytes_underAForeignChildSpanIsNotTotalledOnTheOperation() {
    try (Operation op = tracer.start("op")) {
      Span child = telemetry.sdk.getTracer("raw").spanBuilder("raw.child").startSpan();
      try (Scope scope = child.makeCurrent()) {
        tracer.recordBytes(Direction.OUT, "peer-a", 100);
      } finally {
        child.end();
      }
      tracer.recordBytes(Direction.OUT, "peer-a", 1);
    }

    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.BYTES_SENT))
        .isEqualTo(1L);
    assertThat(telemetry.span("raw.child").getAttributes().get(PerfAttributes.BYTES_SENT))
        .isNull();
  }

  @Test
  void callAsync_completedOnAnotherThreadKeepsTheSpanAsExemplar() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    tracer.callAsync("fetch", () -> future);

    executor.submit(() -> future.complete("x")).get(10, TimeUnit.SECONDS);

    HistogramPointData point =
        telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"));
    List<? extends ExemplarData> exemplars = point.getExemplars();
    assertThat(exemplars).hasSize(1);
    assertThat(exemplars.get(0).getSpanContext().getSpanId())
        .isEqualTo(telemetry.span("fetch").getSpanId());
  }

  @Test
  void spanCurrent_isTheSdkSpanItself() {
    try (Operation op = tracer.start("op")) {
      assertThat(Span.current()).isSameAs(op.span());
      assertThat(Span.current().getClass().getName())
          .isEqualTo("io.opentelemetry.sdk.trace.SdkSpan");
    }
  }

  @Test
  void spanCurrentSetStatusError_setsTheSpanStatusButNotTheMetricOutcome() {
    try (Operation op = tracer.start("op")) {
      Span.current().setStatus(StatusCode.ERROR, "set directly");
    }

    assertThat(telemetry.span("op").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(
            telemetry.histogram("perftrace.operation.duration", outcome("op", "success"))
                .getCount())
        .isEqualTo(1);
  }
}
