package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code currentOperation()} finds the innermost PerfTrace operation of this tracer. */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class CurrentOperationTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void currentOperation_isTheInnermostOperation() {
    try (Operation outer = tracer.start("outer")) {
      try (Operation inner = tracer.start("inner")) {
        assertThat(tracer.currentOperation()).isSameAs(inner);
        tracer.currentOperation().setAttribute("deep", "yes");
      }
      assertThat(tracer.currentOperation()).isSameAs(outer);
    }

    assertThat(telemetry.span("inner").getAttributes().get(AttributeKey.stringKey("deep")))
        .isEqualTo("yes");
  }

  @Test
  void currentOperation_insideARawSpanIsNone() {
    try (Operation op = tracer.start("op")) {
      Span raw = telemetry.sdk.getTracer("raw").spanBuilder("raw").startSpan();
      try (Scope scope = raw.makeCurrent()) {
        assertThat(tracer.currentOperation().span().getSpanContext().isValid()).isFalse();
      } finally {
        raw.end();
      }
    }
  }

  @Test
  void currentOperation_ofAnotherTracerIsNone() {
    PerfTracer other = telemetry.builder().build();
    try (Operation op = tracer.start("op")) {
      assertThat(other.currentOperation()).isNotSameAs(op);
      assertThat(other.currentOperation().span().getSpanContext().isValid()).isFalse();
    }
  }
}
