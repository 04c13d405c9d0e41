package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code perftrace.operation.outcome} on the span always equals the metric's outcome. */
class OutcomeSpanAttributeTest {
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  private String spanOutcome(String name) {
    return telemetry.span(name).getAttributes().get(PerfAttributes.OPERATION_OUTCOME);
  }

  private String metricOutcome(String name) {
    HistogramPointData point =
        telemetry.histogramPoints("perftrace.operation.duration").stream()
            .filter(p -> name.equals(p.getAttributes().get(PerfAttributes.OPERATION_NAME)))
            .reduce((a, b) -> {
              throw new AssertionError("two points for " + name);
            })
            .orElseThrow();
    return point.getAttributes().get(PerfAttributes.OPERATION_OUTCOME);
  }

  @Test
  void outcome_onSpan_equalsMetric_forEveryPath() {
    PerfTracer tracer =
        telemetry.builder().setErrorClassifier(e -> !(e instanceof IllegalArgumentException)).build();
    tracer.start("ok").close();
    try (Operation op = tracer.start("failed")) {
      op.fail(new IllegalStateException("boom"));
    }
    try (Operation op = tracer.start("typed")) {
      op.failWithType("http.503");
    }
    try (Operation op = tracer.start("classified")) {
      op.fail(new IllegalArgumentException("a 404, not a failure"));
    }
    try (Operation op = tracer.start("cancelled")) {
      op.fail(new CompletionException(new CancellationException()));
    }
    CompletableFuture<String> source = new CompletableFuture<>();
    CompletableFuture<String> dependent = tracer.callAsync("async", () -> source);
    source.cancel(false);
    assertThat(dependent).isCompletedExceptionally();

    String[][] expected = {
      {"ok", "success"},
      {"failed", "error"},
      {"typed", "error"},
      {"classified", "success"},
      {"cancelled", "cancelled"},
      {"async", "cancelled"}
    };
    assertThat(telemetry.spans()).hasSize(expected.length);
    for (String[] e : expected) {
      assertThat(spanOutcome(e[0])).as(e[0]).isEqualTo(e[1]);
      assertThat(metricOutcome(e[0])).as(e[0]).isEqualTo(e[1]);
    }
  }

  @Test
  void outcome_firstOutcomeWins_onSpanAndMetric() {
    PerfTracer tracer = telemetry.tracer();
    try (Operation op = tracer.start("first")) {
      op.fail(new CancellationException());
      op.fail(new IllegalStateException("later"));
    }

    SpanData span = telemetry.span("first");
    assertThat(span.getAttributes().get(PerfAttributes.OPERATION_OUTCOME)).isEqualTo("cancelled");
    assertThat(metricOutcome("first")).isEqualTo("cancelled");
  }
}
