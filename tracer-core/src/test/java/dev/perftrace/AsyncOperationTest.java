package dev.perftrace;

import static dev.perftrace.OperationTest.error;
import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class AsyncOperationTest {
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
  void callAsync_returnsADependentStageAndEndsWhenTheSourceCompletes() {
    CompletableFuture<String> future = new CompletableFuture<>();

    CompletableFuture<String> returned = tracer.callAsync("fetch", () -> future);
    telemetry.ticker.advanceMillis(40);
    assertThat(telemetry.spans()).isEmpty();
    future.complete("done");

    assertThat(returned).isNotSameAs(future);
    assertThat(returned.join()).isEqualTo("done");
    assertThat(telemetry.span("fetch").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"))
            .getSum())
        .isEqualTo(0.04);
  }

  @Test
  void callAsync_endsOnTheThreadThatCompletesTheStage() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    tracer.callAsync("fetch", () -> future);

    executor
        .submit(
            () -> {
              telemetry.ticker.advanceMillis(7);
              future.complete("x");
            })
        .get(10, TimeUnit.SECONDS);

    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"))
            .getSum())
        .isEqualTo(0.007);
  }

  @Test
  void callAsync_spanIsCurrentWhileSupplierRunsAndNotAfter() {
    CompletableFuture<String> future = new CompletableFuture<>();
    tracer.callAsync(
        "outer",
        () -> {
          try (Operation inner = tracer.start("inner")) {
            return future;
          }
        });
    try (Operation after = tracer.start("after")) {
      future.complete("x");
    }

    SpanData outer = telemetry.span("outer");
    assertThat(telemetry.span("inner").getParentSpanId()).isEqualTo(outer.getSpanId());
    assertThat(telemetry.span("after").getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void callAsync_failedStageRecordsUnwrappedCause() {
    CompletableFuture<String> future = new CompletableFuture<>();
    tracer.callAsync("fetch", () -> future);

    future.completeExceptionally(
        new CompletionException(new UncheckedIOException(new java.io.IOException("x"))));

    SpanData span = telemetry.span("fetch");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo(UncheckedIOException.class.getName());
    assertThat(telemetry.histogram(
                "perftrace.operation.duration", error("fetch", UncheckedIOException.class))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void callAsync_cancelledStageRecordsCancelledWithUnsetStatus() {
    CompletableFuture<String> future = new CompletableFuture<>();
    tracer.callAsync("fetch", () -> future);

    future.cancel(true);

    assertThat(telemetry.span("fetch").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("fetch", "cancelled"))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void callAsync_supplierExceptionIsRethrownUnchanged() {
    IllegalStateException failure = new IllegalStateException("no");

    assertThatThrownBy(
            () ->
                tracer.callAsync(
                    "fetch",
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);

    assertThat(telemetry.histogram(
                "perftrace.operation.duration", error("fetch", IllegalStateException.class))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void callAsync_alreadyCompletedStageEndsAtOnce() {
    tracer.callAsync("fetch", () -> CompletableFuture.completedFuture(1));

    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"))
            .getCount())
        .isEqualTo(1);
  }

  @Test
  void callAsync_nullStageEndsAtOnceAsSuccess() {
    CompletableFuture<String> stage = tracer.callAsync("fetch", () -> null);

    assertThat(stage).isNull();
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"))
            .getCount())
        .isEqualTo(1);
  }
}
