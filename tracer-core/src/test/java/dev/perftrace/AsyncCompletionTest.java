package dev.perftrace;

import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Async timing ends at the source's completion, before the caller's continuations: {@code join()}
 * returning means the span ended and the duration was recorded; cancelling the returned stage
 * cancels the source.
 */
class AsyncCompletionTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void continuationOfTheReturnedStage_seesTheSpanEndedAndTheDurationRecorded() {
    CompletableFuture<String> source = new CompletableFuture<>();
    AtomicLong spansSeen = new AtomicLong(-1);
    AtomicLong countSeen = new AtomicLong(-1);

    CompletableFuture<String> returned = tracer.callAsync("fetch", () -> source);
    CompletableFuture<Void> continuation =
        returned.thenAccept(
            value -> {
              telemetry.ticker.advanceMillis(500); // the caller's slow continuation
              spansSeen.set(telemetry.spans().size());
              countSeen.set(
                  telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"))
                      .getCount());
            });
    telemetry.ticker.advanceMillis(20);
    source.complete("x");
    continuation.join();

    assertThat(spansSeen).hasValue(1);
    assertThat(countSeen).hasValue(1);
    assertThat(
            telemetry.histogram("perftrace.operation.duration", outcome("fetch", "success"))
                .getSum())
        .isEqualTo(0.02);
  }

  @Test
  void cancellingTheReturnedStage_cancelsTheSourceAndRecordsCancelled() {
    CompletableFuture<String> source = new CompletableFuture<>();

    CompletableFuture<String> returned = tracer.callAsync("fetch", () -> source);
    assertThat(returned.cancel(true)).isTrue();

    assertThat(source.isCancelled()).isTrue();
    assertThat(
            telemetry.histogram("perftrace.operation.duration", outcome("fetch", "cancelled"))
                .getCount())
        .isEqualTo(1);
  }

  @Test
  void failedSource_failsTheReturnedStageWithTheSameCause() {
    CompletableFuture<String> source = new CompletableFuture<>();
    IllegalStateException failure = new IllegalStateException("x");

    CompletableFuture<String> returned = tracer.callAsync("fetch", () -> source);
    source.completeExceptionally(failure);

    assertThatThrownBy(returned::join).isInstanceOf(CompletionException.class).hasCause(failure);
    assertThat(telemetry.spans()).hasSize(1);
  }

  @Test
  void cancelledSource_cancelsTheReturnedStage() {
    CompletableFuture<String> source = new CompletableFuture<>();

    CompletableFuture<String> returned = tracer.callAsync("fetch", () -> source);
    source.cancel(false);

    assertThat(returned.isCancelled()).isTrue();
    assertThatThrownBy(returned::join).isInstanceOf(CancellationException.class);
  }

  @Test
  void callAsyncWith_operationAttributesLandOnTheSpan() {
    CompletableFuture<String> returned =
        tracer.callAsyncWith(
            "fetch",
            op -> {
              op.setAttribute("peer", "a");
              return CompletableFuture.completedFuture("y");
            });

    assertThat(returned.join()).isEqualTo("y");
    assertThat(telemetry.span("fetch").getAttributes().get(AttributeKey.stringKey("peer")))
        .isEqualTo("a");
  }

  @Test
  void callAsyncWith_failWithTypeFromTheAsyncCode() {
    CompletableFuture<String> returned =
        tracer.callAsyncWith(
            "fetch",
            op -> {
              op.failWithType("http_503");
              return CompletableFuture.completedFuture("y");
            });

    returned.join();
    assertThat(telemetry.span("fetch").getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo("http_503");
  }

  interface Fetcher {
    CompletionStage<String> fetch();
  }

  @Test
  void proxiedAsyncMethod_continuationSeesTheDurationRecorded() {
    CompletableFuture<String> source = new CompletableFuture<>();
    Fetcher fetcher = tracer.instrument(Fetcher.class, () -> source);
    AtomicLong countSeen = new AtomicLong(-1);

    CompletionStage<Void> continuation =
        fetcher
            .fetch()
            .thenAccept(
                v ->
                    countSeen.set(
                        telemetry.histogramPoints("perftrace.operation.duration").size()));
    source.complete("x");
    continuation.toCompletableFuture().join();

    assertThat(countSeen).hasValue(1);
  }
}
