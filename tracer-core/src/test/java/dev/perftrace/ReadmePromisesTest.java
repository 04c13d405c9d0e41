package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * README promises of tracer-core that no other test pins down exactly: the first {@code fail}
 * wins, the 8192-character header bound (8192 accepted, 8193 ignored), a throwing {@code inject}
 * setter logged once.
 */
@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class ReadmePromisesTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();
  private final Logger julLogger = Logger.getLogger("dev.perftrace");
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    julLogger.addHandler(handler);
    julLogger.setLevel(Level.ALL);
  }

  @AfterEach
  void tearDown() {
    julLogger.removeHandler(handler);
    telemetry.close();
  }

  @Test
  void fail_twice_firstExceptionIsTheRecordedOne() {
    IOException first = new IOException("first");
    IllegalStateException second = new IllegalStateException("second");
    try (Operation op = tracer.start("op")) {
      op.fail(first);
      op.fail(second);
      op.failWithType("http_503");
    }

    SpanData span = telemetry.span("op");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .isEqualTo("java.io.IOException");
    List<EventData> events = span.getEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getName()).isEqualTo("exception");
    assertThat(events.get(0).getAttributes().get(io.opentelemetry.api.common.AttributeKey
            .stringKey("exception.message")))
        .isEqualTo("first");
    assertThat(
            telemetry.histogram(
                    "perftrace.operation.duration",
                    Attributes.of(
                        PerfAttributes.OPERATION_NAME, "op",
                        PerfAttributes.OPERATION_OUTCOME, "error",
                        PerfAttributes.ERROR_TYPE, "java.io.IOException"))
                .getCount())
        .isEqualTo(1);
    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).hasSize(1);
  }

  @Test
  void failWithType_thenFail_typeWins() {
    try (Operation op = tracer.start("op")) {
      op.failWithType("http_503");
      op.fail(new IOException("later"));
    }

    SpanData span = telemetry.span("op");
    assertThat(span.getAttributes().get(PerfAttributes.ERROR_TYPE)).isEqualTo("http_503");
    assertThat(span.getEvents()).isEmpty();
  }

  /** A baggage header of exactly {@code length} characters carrying correlation ID {@code id}. */
  private static String baggageOfLength(String id, int length) {
    String head = "perftrace.correlation_id=" + id + ",pad=";
    String header = head + "v".repeat(length - head.length());
    assertThat(header).hasSize(length);
    return header;
  }

  @Test
  void extract_headerOf8192Characters_isUsed() {
    try (CorrelationScope scope =
        tracer.extract(Map.of("baggage", baggageOfLength("req-8192", 8192)))) {
      assertThat(scope.correlationId()).isEqualTo("req-8192");
    }
    assertThat(telemetry.rejected("header_invalid")).isZero();
    assertThat(telemetry.nonZeroRejections()).isEmpty();
  }

  @Test
  void extract_headerOf8193Characters_isIgnoredAndCounted() {
    try (CorrelationScope scope =
        tracer.extract(Map.of("baggage", baggageOfLength("req-8193", 8193)))) {
      assertThat(scope.correlationId()).matches("[0-9a-f]{32}");
    }
    assertThat(telemetry.rejected("header_invalid")).isEqualTo(1);
    assertThat(telemetry.nonZeroRejections()).hasSize(1);
  }

  @Test
  void extract_traceparentOf8193Characters_isIgnoredAndCountedOnce() {
    String traceparent = "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01";
    String padded = traceparent + " ".repeat(8193 - traceparent.length());
    try (CorrelationScope scope = tracer.extract(Map.of("traceparent", padded));
        Operation op = tracer.start("op")) {
      assertThat(scope.correlationId()).matches("[0-9a-f]{32}");
    }
    assertThat(telemetry.span("op").getTraceId()).isNotEqualTo("1".repeat(32));
    assertThat(telemetry.span("op").getParentSpanContext().isValid()).isFalse();
    assertThat(telemetry.rejected("header_invalid")).isEqualTo(1);
  }

  @Test
  void inject_throwingSetter_isSwallowedAndLoggedOnce() {
    IllegalStateException thrown = new IllegalStateException("immutable carrier");
    try (Operation op = tracer.start("op")) {
      for (int i = 0; i < 3; i++) {
        tracer.inject(
            new Object(),
            (carrier, key, value) -> {
              throw thrown;
            });
      }
    }

    assertThat(records).hasSize(1);
    assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
    assertThat(records.get(0).getMessage())
        .isEqualTo("PerfTrace tracer 'test.scope' caught an internal error; logged once");
    assertThat(records.get(0).getThrown()).isSameAs(thrown);
    assertThat(telemetry.nonZeroRejections()).isEmpty();
    assertThat(telemetry.spans()).hasSize(1);
  }
}
