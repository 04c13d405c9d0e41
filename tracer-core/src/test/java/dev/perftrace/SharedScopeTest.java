package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * README "Several tracers, one scope": tracers built for the same scope name over the same SDK
 * share its instruments and the SDK keeps the first one's bucket advice; cardinality bounds are
 * per scope, shared by those tracers; another scope name gets its own buckets.
 */
class SharedScopeTest {
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  private static Attributes success(String operation) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME, operation, PerfAttributes.OPERATION_OUTCOME, "success");
  }

  @Test
  void sameScope_sharesTheInstrumentAndKeepsTheFirstBuckets() {
    PerfTracer first = telemetry.builder().setDurationBuckets(List.of(0.1, 1.0)).build();
    PerfTracer second = telemetry.builder().setDurationBuckets(List.of(0.5)).build();
    first.recordDuration("a", Duration.ofMillis(50));
    second.recordDuration("a", Duration.ofMillis(700));

    HistogramPointData point = telemetry.histogram("perftrace.operation.duration", success("a"));
    assertThat(point.getBoundaries()).containsExactly(0.1, 1.0);
    assertThat(point.getCounts()).containsExactly(1L, 1L, 0L);
    assertThat(point.getCount()).isEqualTo(2);
    assertThat(telemetry.metrics().stream()
            .filter(m -> m.getName().equals("perftrace.operation.duration")))
        .hasSize(1);
  }

  @Test
  void otherScope_getsItsOwnBuckets() {
    PerfTracer first = telemetry.builder().setDurationBuckets(List.of(0.1, 1.0)).build();
    PerfTracer other =
        PerfTracer.builder(telemetry.sdk, "other.scope")
            .setTicker(telemetry.ticker)
            .setDurationBuckets(List.of(0.5))
            .build();
    first.recordDuration("a", Duration.ofMillis(50));
    other.recordDuration("a", Duration.ofMillis(700));

    List<HistogramPointData> points =
        telemetry.metrics().stream()
            .filter(m -> m.getName().equals("perftrace.operation.duration"))
            .flatMap(m -> m.getHistogramData().getPoints().stream())
            .collect(java.util.stream.Collectors.toList());
    assertThat(points).hasSize(2);
    assertThat(points)
        .extracting(HistogramPointData::getBoundaries)
        .containsExactlyInAnyOrder(List.of(0.1, 1.0), List.of(0.5));
  }

  @Test
  void cardinalityBound_isPerScope_sharedByEveryTracerOfTheScope() {
    PerfTracer first = telemetry.builder().setMaxOperations(1).build();
    PerfTracer second = telemetry.builder().setMaxOperations(1).build();
    first.recordDuration("a", Duration.ofMillis(1));
    first.recordDuration("b", Duration.ofMillis(1));
    second.recordDuration("b", Duration.ofMillis(1));
    second.recordDuration("a", Duration.ofMillis(1));

    assertThat(telemetry.histogram("perftrace.operation.duration", success("a")).getCount())
        .isEqualTo(2);
    assertThat(telemetry.histogram("perftrace.operation.duration", success("_overflow")).getCount())
        .isEqualTo(2);
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(2);
  }
}
