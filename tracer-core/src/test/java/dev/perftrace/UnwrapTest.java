package dev.perftrace;

import static dev.perftrace.OperationTest.error;
import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.opentelemetry.api.trace.StatusCode;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code CompletionException} and {@code ExecutionException} wrappers are unwrapped on every path,
 * and a cause cycle ends the search instead of spinning the caller's thread.
 */
class UnwrapTest {
  private static final Duration LIMIT = Duration.ofSeconds(10);

  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  /** A wrapper whose cause is itself (allowed by overriding {@code getCause}). */
  static final class SelfCaused extends CompletionException {
    private static final long serialVersionUID = 1L;

    @Override
    public synchronized Throwable getCause() {
      return this;
    }
  }

  /** A wrapper whose cause is set later (to build a cycle). */
  static final class Wrapper extends CompletionException {
    private static final long serialVersionUID = 1L;

    Wrapper(String message) {
      super(message);
    }
  }

  private static CompletionException twoWrapperCycle() {
    Wrapper a = new Wrapper("a");
    Wrapper b = new Wrapper("b");
    a.initCause(b);
    b.initCause(a);
    return a;
  }

  @Test
  void recordDuration_causeCycleEnds() {
    assertTimeoutPreemptively(
        LIMIT, () -> tracer.recordDuration("op", Duration.ofMillis(5), twoWrapperCycle()));

    assertThat(
            telemetry.histogram("perftrace.operation.duration", error("op", Wrapper.class))
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void recordDuration_selfCauseEnds() {
    assertTimeoutPreemptively(
        LIMIT, () -> tracer.recordDuration("op", Duration.ofMillis(5), new SelfCaused()));

    assertThat(
            telemetry.histogram("perftrace.operation.duration", error("op", SelfCaused.class))
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void callAsync_failedWithACauseCycleEnds() {
    CompletableFuture<String> failed = new CompletableFuture<>();
    failed.completeExceptionally(twoWrapperCycle());

    assertTimeoutPreemptively(LIMIT, () -> tracer.callAsync("fetch", () -> failed));

    assertThat(
            telemetry.histogram(
                    "perftrace.operation.duration", error("fetch", Wrapper.class))
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void call_executionExceptionIsUnwrappedAndRethrownUnchanged() {
    ExecutionException thrown = new ExecutionException(new IllegalStateException("real"));

    assertThatThrownBy(
            () ->
                tracer.call(
                    "op",
                    () -> {
                      throw thrown;
                    }))
        .isSameAs(thrown);

    assertThat(
            telemetry.histogram(
                    "perftrace.operation.duration", error("op", IllegalStateException.class))
                .getCount())
        .isEqualTo(1);
    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void run_completionExceptionOfACancellationIsCancelled() {
    CompletionException thrown = new CompletionException(new CancellationException("stop"));

    assertThatThrownBy(
            () ->
                tracer.run(
                    "op",
                    () -> {
                      throw thrown;
                    }))
        .isSameAs(thrown);

    assertThat(
            telemetry.histogram("perftrace.operation.duration", outcome("op", "cancelled"))
                .getCount())
        .isEqualTo(1);
    assertThat(telemetry.span("op").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void fail_withACauseCycleEnds() {
    assertTimeoutPreemptively(
        LIMIT,
        () -> {
          try (Operation op = tracer.start("op")) {
            op.fail(twoWrapperCycle());
          }
        });

    assertThat(
            telemetry.histogram("perftrace.operation.duration", error("op", Wrapper.class))
                .getCount())
        .isEqualTo(1);
  }
}
