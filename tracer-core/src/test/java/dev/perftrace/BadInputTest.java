package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@SuppressWarnings("try") // try-with-resources scopes whose body does not touch the resource
class BadInputTest {
  private final TestTelemetry telemetry = new TestTelemetry();
  private final PerfTracer tracer = telemetry.tracer();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  private static Arguments row(String reason, String input, Consumer<PerfTracer> action) {
    return Arguments.of(reason, input, action);
  }

  private static TieredCache cache(PerfTracer tracer) {
    return tracer.cache("content", "memory", "disk");
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        row("name_blank", "start(null)", t -> t.start(null).close()),
        row("name_blank", "start(blank)", t -> t.start(" \t ").close()),
        row("name_control_chars", "start(bell)", t -> t.start("a\u0007b").close()),
        row("name_truncated", "start(200 chars)", t -> t.start("x".repeat(200)).close()),
        row("argument_null", "run(op, null)", t -> t.run("op", null)),
        row("argument_null", "call(op, null)", t -> {
          try {
            t.call("op", null);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }),
        row("argument_null", "callAsync(op, null)", t -> t.callAsync("op", null)),
        row("argument_null", "fail(null)", t -> {
          try (Operation op = t.start("op")) {
            op.fail(null);
          }
        }),
        row("duration_invalid", "recordDuration(null)", t -> t.recordDuration("op", null)),
        row("duration_invalid", "recordDuration(-1ms)",
            t -> t.recordDuration("op", Duration.ofMillis(-1))),
        row("bytes_negative", "recordBytes(-1)", t -> t.recordBytes(Direction.IN, "s", -1)),
        row("argument_null", "recordBytes(null direction)", t -> t.recordBytes(null, "s", 1)),
        row("name_blank", "recordBytes(null source)", t -> t.recordBytes(Direction.IN, null, 1)),
        row("name_blank", "recordBytes(empty source)", t -> t.recordBytes(Direction.IN, "", 1)),
        row("argument_null", "startTransfer(null direction)",
            t -> t.startTransfer(null, "s").close()),
        row("bytes_negative", "chunk(-1)", t -> {
          try (Transfer transfer = t.startTransfer(Direction.OUT, "s")) {
            transfer.chunk(-1);
          }
        }),
        row("tier_unknown", "recordHit(ssd)", t -> cache(t).recordHit("ssd")),
        row("name_blank", "recordMiss(null)", t -> cache(t).recordMiss(null)),
        row("tier_unknown", "recordLookup(ssd)", t -> cache(t).recordLookup("ssd")),
        row("duration_invalid", "recordTierLatency(null)",
            t -> cache(t).recordTierLatency("memory", true, null)),
        row("tier_unknown", "lookup.hit(ssd)", t -> {
          try (CacheLookup lookup = cache(t).startLookup()) {
            lookup.hit("ssd");
          }
        }),
        row("correlation_id_invalid", "correlate(null)", t -> t.correlate(null).close()),
        row("correlation_id_invalid", "correlate(empty)", t -> t.correlate("").close()),
        row("correlation_id_invalid", "correlate(space)", t -> t.correlate("a b").close()),
        row("correlation_id_invalid", "correlate(129 chars)",
            t -> t.correlate("a".repeat(129)).close()),
        row("correlation_id_invalid", "correlate(CRLF injection)",
            t -> t.correlate("id\r\nSet-Cookie: x=1").close()),
        row("correlation_id_invalid", "extract(baggage with markup)",
            t -> t.extract(Map.of("baggage", "perftrace.correlation_id=%3Cscript%3E")).close()),
        row("header_invalid", "extract(9000-char traceparent)",
            t -> t.extract(Map.of("traceparent", "0".repeat(9000))).close()),
        row("header_invalid", "extract(9000-char baggage)",
            t -> t.extract(Map.of("baggage", "k=" + "v".repeat(9000))).close()),
        row("header_invalid", "extract(garbage traceparent)",
            t -> t.extract(Map.of("traceparent", "00-not-a-trace\u0000-01")).close()),
        row("header_invalid", "extract(getter that throws)",
            t -> t.extract("carrier", new ThrowingGetter()).close()),
        row("argument_null", "extract(null)", t -> t.extract(null).close()),
        row("argument_null", "extract(carrier, null getter)",
            t -> t.extract("carrier", null).close()),
        row("argument_null", "inject(null)", t -> t.inject(null)),
        row("argument_null", "wrap(null Runnable)", t -> t.wrap((Runnable) null)),
        row("argument_null", "wrap(null Executor)",
            t -> t.wrap((java.util.concurrent.Executor) null)));
  }

  /** A hostile carrier getter. */
  private static final class ThrowingGetter
      implements io.opentelemetry.context.propagation.TextMapGetter<String> {
    @Override
    @SuppressWarnings("deprecation") // deprecated from 1.6x; still abstract in 1.59
    public Iterable<String> keys(String carrier) {
      throw new IllegalStateException("keys");
    }

    @Override
    public String get(String carrier, String key) {
      throw new IllegalStateException("get " + key);
    }
  }

  @ParameterizedTest(name = "{1} -> {0}")
  @MethodSource("badInput")
  void badInput_neverThrowsAndIsCountedOnceByReason(
      String reason, String input, Consumer<PerfTracer> action) {
    assertThatCode(() -> action.accept(tracer)).doesNotThrowAnyException();

    assertThat(telemetry.nonZeroRejections())
        .extracting(LongPointData::getAttributes, LongPointData::getValue)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(
            Attributes.of(PerfAttributes.REASON, reason), 1L));
  }

  @Test
  void build_everyRejectionReasonStartsAtZero() {
    assertThat(telemetry.sumPoints("perftrace.telemetry.rejected"))
        .extracting(p -> p.getAttributes().get(PerfAttributes.REASON), LongPointData::getValue)
        .containsExactlyInAnyOrder(
            java.util.Arrays.stream(dev.perftrace.internal.Reason.values())
                .map(r -> org.assertj.core.groups.Tuple.tuple(r.value(), 0L))
                .toArray(org.assertj.core.groups.Tuple[]::new));
  }

  @Test
  void start_blankNameRunsUntraced() {
    try (Operation op = tracer.start("  ")) {
      assertThat(op.span().getSpanContext().isValid()).isFalse();
    }

    assertThat(telemetry.spans()).isEmpty();
    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).isEmpty();
  }

  @Test
  void start_controlCharactersBecomeUnderscores() {
    tracer.run("get\nkey\u0000", () -> {});

    assertThat(telemetry.span("get_key_").getAttributes().get(PerfAttributes.OPERATION_NAME))
        .isEqualTo("get_key_");
  }

  @Test
  void start_longNameIsTruncatedToMaxNameLength() {
    tracer.run("n".repeat(300), () -> {});

    assertThat(telemetry.spans()).extracting(SpanData::getName).containsExactly("n".repeat(128));
  }

  @Test
  void start_surroundingWhitespaceIsTrimmedWithoutRejection() {
    tracer.run("  store.get \t", () -> {});

    assertThat(telemetry.spans()).extracting(SpanData::getName).containsExactly("store.get");
    assertThat(telemetry.nonZeroRejections()).isEmpty();
  }

  @Test
  void correlate_invalidIdIsReplacedByAGeneratedOne() {
    try (CorrelationScope scope = tracer.correlate("bad id")) {
      assertThat(scope.correlationId()).matches("[0-9a-f]{32}");
      assertThat(tracer.currentCorrelationId()).isEqualTo(scope.correlationId());
    }
  }

  @Test
  void extract_oversizedTraceparentIsIgnored() {
    try (CorrelationScope scope =
            tracer.extract(Map.of("traceparent", "00-" + "1".repeat(9000)));
        Operation op = tracer.start("op")) {
      assertThat(scope.correlationId()).matches("[0-9a-f]{32}");
    }

    assertThat(telemetry.span("op").getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void recordBytes_zeroBytesIsAValidTransfer() {
    tracer.recordBytes(Direction.IN, "peer", 0);

    assertThat(telemetry
            .histogram("perftrace.transfer.size", BandwidthTest.transfer("receive", "peer"))
            .getCount())
        .isEqualTo(1);
    assertThat(telemetry.nonZeroRejections()).isEmpty();
  }
}
