package dev.perftrace;

import static dev.perftrace.OperationTest.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CardinalityTest {
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  @Test
  void operations_beyondTheBoundFoldIntoOverflow() {
    PerfTracer tracer = telemetry.builder().setMaxOperations(2).build();
    for (String name : new String[] {"a", "b", "c", "d", "a", "c"}) {
      tracer.run(name, () -> {});
    }

    assertThat(telemetry.histogramPoints("perftrace.operation.duration"))
        .extracting(HistogramPointData::getAttributes, HistogramPointData::getCount)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(outcome("a", "success"), 2L),
            org.assertj.core.groups.Tuple.tuple(outcome("b", "success"), 1L),
            org.assertj.core.groups.Tuple.tuple(outcome("_overflow", "success"), 3L));
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(3);
    assertThat(telemetry.spans())
        .extracting(SpanData::getName)
        .containsExactly("a", "b", "_overflow", "_overflow", "a", "_overflow");
  }

  @Test
  void operations_defaultBoundIs1000() {
    PerfTracer tracer = telemetry.tracer();
    for (int i = 0; i < 1001; i++) {
      tracer.recordDuration("op-" + i, Duration.ofMillis(1));
    }

    assertThat(telemetry.histogramPoints("perftrace.operation.duration")).hasSize(1001);
    assertThat(telemetry.histogram("perftrace.operation.duration", outcome("_overflow", "success"))
            .getCount())
        .isEqualTo(1);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(1);
  }

  @Test
  void sources_beyondTheBoundFoldIntoOverflow() {
    PerfTracer tracer = telemetry.builder().setMaxSources(1).build();
    tracer.recordBytes(Direction.IN, "peer-a", 10);
    tracer.recordBytes(Direction.IN, "peer-b", 20);
    tracer.recordBytes(Direction.IN, "peer-c", 30);

    assertThat(telemetry.sum("perftrace.transfer.io", BandwidthTest.transfer("receive", "peer-a")))
        .isEqualTo(10);
    assertThat(telemetry.sum("perftrace.transfer.io",
            BandwidthTest.transfer("receive", "_overflow")))
        .isEqualTo(50);
    assertThat(telemetry.sumPoints("perftrace.transfer.io")).hasSize(2);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(2);
  }

  @Test
  void caches_beyondTheBoundFoldIntoOverflow() {
    PerfTracer tracer = telemetry.builder().setMaxCaches(1).build();
    tracer.cache("first", "memory").recordHit("memory");
    TieredCache second = tracer.cache("second", "memory");
    second.recordHit("memory");

    assertThat(second.name()).isEqualTo("_overflow");
    assertThat(telemetry.sum("perftrace.cache.requests",
            Attributes.of(PerfAttributes.CACHE_NAME, "_overflow", PerfAttributes.CACHE_TIER,
                "memory", PerfAttributes.CACHE_RESULT, "hit")))
        .isEqualTo(1);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(1);
  }

  @Test
  void errorTypes_beyondTheBoundFoldIntoOther() {
    PerfTracer tracer = telemetry.builder().setMaxErrorTypes(1).build();
    tracer.recordDuration("op", Duration.ZERO, new IllegalStateException());
    tracer.recordDuration("op", Duration.ZERO, new IllegalArgumentException());

    assertThat(telemetry.histogramPoints("perftrace.operation.duration"))
        .extracting(p -> p.getAttributes().get(PerfAttributes.ERROR_TYPE))
        .containsExactlyInAnyOrder(IllegalStateException.class.getName(), "_OTHER");
  }
}
