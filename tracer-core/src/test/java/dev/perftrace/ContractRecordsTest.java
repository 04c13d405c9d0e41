package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The "never throws" scenarios of {@link PerfTracerContract}, run on the real tracer, asserting
 * what they recorded: spans, duration points and rejection counts by reason (issue 14 item 3: a
 * contract test that only says "does not throw" passes whatever was recorded).
 */
@SuppressWarnings("try") // scopes opened only to be current
class ContractRecordsTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  private Map<String, Long> rejections() {
    return telemetry.nonZeroRejections().stream()
        .collect(
            Collectors.toMap(p -> p.getAttributes().get(PerfAttributes.REASON), p -> p.getValue()));
  }

  private long durationCount(String operation) {
    return telemetry.histogramPoints("perftrace.operation.duration").stream()
        .filter(p -> operation.equals(p.getAttributes().get(PerfAttributes.OPERATION_NAME)))
        .mapToLong(p -> p.getCount())
        .sum();
  }

  @Test
  void closeTwice_recordsOneSpanAndOneDuration() {
    Operation op = tracer.start("op");
    op.close();
    op.close();

    assertThat(telemetry.spans()).hasSize(1);
    assertThat(durationCount("op")).isEqualTo(1);
    assertThat(rejections()).isEmpty();
  }

  @Test
  void detachedClosedOnAnotherThread_oneSpanNothingCounted() throws Exception {
    Operation op = tracer.startDetached("op");
    try (AutoCloseable current = op.makeCurrent()) {
      op.setAttribute("k", "v");
    }
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      other.submit(op::close).get(10, TimeUnit.SECONDS);
    } finally {
      other.shutdownNow();
    }
    op.close();
    op.makeCurrent().close();

    assertThat(telemetry.spans()).hasSize(1);
    assertThat(telemetry.span("op").getAttributes().get(io.opentelemetry.api.common.AttributeKey
            .stringKey("k")))
        .isEqualTo("v");
    assertThat(durationCount("op")).isEqualTo(1);
    assertThat(rejections()).isEmpty();
  }

  @Test
  void currentOperationOutsideAny_recordsNothing() {
    Operation none = tracer.currentOperation();
    none.setAttribute("k", "v");
    none.failWithType("x");
    none.close();

    assertThat(telemetry.spans()).isEmpty();
    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).isEmpty();
    assertThat(rejections()).isEmpty();
  }

  @Test
  void builderNullArguments_countedAsArgumentNull() {
    tracer
        .operation("op")
        .setSpanKind(null)
        .setAttribute(null, "v")
        .setAttribute("k", 1L)
        .addLink(null)
        .setParent(null)
        .start()
        .close();

    assertThat(telemetry.spans()).hasSize(1);
    assertThat(telemetry.span("op").getAttributes().get(io.opentelemetry.api.common.AttributeKey
            .longKey("k")))
        .isEqualTo(1L);
    assertThat(rejections()).containsExactly(Map.entry("argument_null", 4L));
  }

  @Test
  void settersAndFail_failNullCountedAndTheIoExceptionRecorded() {
    try (Operation op = tracer.start("op")) {
      op.setAttribute("k", "v").setAttribute("n", 1L).setAttribute(null, "v");
      op.fail(new IOException());
      op.fail(null);
    }

    assertThat(telemetry.span("op").getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo("java.io.IOException");
    // only fail(null) is a counted null (docs/telemetry.md); a null attribute key is ignored
    assertThat(rejections()).containsExactly(Map.entry("argument_null", 1L));
    // the four of before, and perftrace.operation.outcome (set at end)
    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.OPERATION_OUTCOME))
        .isEqualTo("error");
    assertThat(telemetry.span("op").getAttributes().size()).isEqualTo(5);
  }

  @Test
  void nullTasks_nothingRunsNothingTimedEachCounted() throws Exception {
    Callable<String> none = null;
    assertThat(tracer.call("op", none)).isNull();
    tracer.run("op", null);
    assertThat(tracer.<String, CompletableFuture<String>>callAsync("op", null)).isNull();

    assertThat(telemetry.spans()).isEmpty();
    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).isEmpty();
    assertThat(rejections()).containsExactly(Map.entry("argument_null", 3L));
  }

  @Test
  void transferClosedTwice_recordedOnce() {
    Transfer transfer = tracer.startTransfer(Direction.OUT, "peer");
    transfer.chunk(3);
    transfer.close();
    transfer.close();

    assertThat(
            telemetry.sum(
                "perftrace.transfer.io",
                Attributes.of(
                    PerfAttributes.NETWORK_IO_DIRECTION, "transmit",
                    PerfAttributes.TRANSFER_SOURCE, "peer")))
        .isEqualTo(3);
    assertThat(rejections()).isEmpty();
  }

  @Test
  void negativeDurationAndBytes_droppedAndCounted() {
    tracer.recordDuration("op", Duration.ofSeconds(-1), null);
    tracer.recordBytes(Direction.IN, "peer", -1);
    tracer.recordDuration("op", Duration.ofMillis(1), new IOException());

    assertThat(durationCount("op")).isEqualTo(1);
    assertThat(telemetry.spans()).isEmpty();
    assertThat(rejections())
        .containsOnlyKeys("duration_invalid", "bytes_negative")
        .containsEntry("duration_invalid", 1L)
        .containsEntry("bytes_negative", 1L);
  }

  @Test
  void correlateClosedTwice_contextRestoredOnce() {
    CorrelationScope scope = tracer.correlate("req-1");
    assertThat(scope.correlationId()).isEqualTo("req-1");
    assertThat(tracer.currentCorrelationId()).isEqualTo("req-1");
    scope.close();
    scope.close();

    assertThat(tracer.currentCorrelationId()).isNull();
    assertThat(rejections()).isEmpty();
  }

  @Test
  void injectIntoAnImmutableMap_nothingCountedSpanStillRecorded() {
    try (CorrelationScope scope = tracer.correlate("req-1");
        Operation op = tracer.start("op")) {
      tracer.inject(Map.of());
    }

    assertThat(telemetry.spans()).hasSize(1);
    assertThat(telemetry.span("op").getAttributes().get(PerfAttributes.CORRELATION_ID))
        .isEqualTo("req-1");
    assertThat(rejections()).isEmpty();
  }
}
