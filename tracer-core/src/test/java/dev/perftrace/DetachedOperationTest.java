package dev.perftrace;

import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Operations started detached: never current by themselves, current where made so, ended anywhere. */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class DetachedOperationTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final ExecutorService worker = Executors.newSingleThreadExecutor();

  @AfterEach
  void tearDown() throws InterruptedException {
    worker.shutdownNow();
    worker.awaitTermination(10, TimeUnit.SECONDS);
    telemetry.close();
  }

  @Test
  void startDetached_doesNotChangeTheCurrentContext() {
    Context before = Context.current();
    Operation op = tracer.startDetached("op");

    assertThat(Context.current()).isSameAs(before);
    op.close();
    assertThat(Context.current()).isSameAs(before);
    assertThat(telemetry.spans()).hasSize(1);
  }

  @Test
  void startDetached_parentIsTheCurrentContext() {
    Operation child;
    try (Operation parent = tracer.start("parent")) {
      child = tracer.startDetached("child");
    }
    child.close();

    assertThat(telemetry.span("child").getParentSpanId())
        .isEqualTo(telemetry.span("parent").getSpanId());
  }

  @Test
  void makeCurrentOnAnotherThread_parentsChildrenTotalsAndEndsThere() throws Exception {
    Operation op = tracer.startDetached("handoff");

    worker
        .submit(
            () -> {
              try (Scope scope = op.makeCurrent()) {
                assertThat(Span.current()).isSameAs(op.span());
                tracer.recordBytes(Direction.IN, "peer-a", 9);
                tracer.start("inner").close();
              }
              assertThat(Context.current()).isSameAs(Context.root());
              telemetry.ticker.advanceMillis(4);
              op.close();
            })
        .get(10, TimeUnit.SECONDS);

    SpanData span = telemetry.span("handoff");
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(PerfAttributes.BYTES_RECEIVED)).isEqualTo(9L);
    assertThat(telemetry.span("inner").getParentSpanId()).isEqualTo(span.getSpanId());
    assertThat(
            telemetry.histogram("perftrace.operation.duration", outcome("handoff", "success"))
                .getSum())
        .isEqualTo(0.004);
    assertThat(telemetry.rejected("close_foreign_thread")).isZero();
  }

  @Test
  void closeTwiceFromTwoThreads_recordsOnce() throws Exception {
    Operation op = tracer.startDetached("op");
    worker.submit(op::close).get(10, TimeUnit.SECONDS);
    op.close();

    assertThat(
            telemetry.histogram("perftrace.operation.duration", outcome("op", "success"))
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void makeCurrentAfterClose_isANoOp() {
    Operation op = tracer.startDetached("op");
    op.close();
    try (Scope scope = op.makeCurrent()) {
      assertThat(Context.current()).isSameAs(Context.root());
    }
  }
}
