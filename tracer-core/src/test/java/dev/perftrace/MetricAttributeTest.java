package dev.perftrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // an operation opened only to be closed
class MetricAttributeTest {
  private static final AttributeKey<String> TIER = AttributeKey.stringKey("tenant.tier");
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private final TestTelemetry telemetry = new TestTelemetry();

  @AfterEach
  void tearDown() {
    telemetry.close();
  }

  private static Attributes point(String name, String outcome, String tier) {
    return Attributes.of(
        PerfAttributes.OPERATION_NAME, name, PerfAttributes.OPERATION_OUTCOME, outcome, TIER, tier);
  }

  @Test
  void setMetricAttribute_declaredKey_onDurationAndSpan() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 3).build();
    try (Operation op = tracer.start("store.get")) {
      op.setMetricAttribute("tenant.tier", " gold ");
      telemetry.ticker.advanceMillis(2);
    }

    Collection<HistogramPointData> points = telemetry.histogramPoints("perftrace.operation.duration");
    assertThat(points).hasSize(1);
    HistogramPointData p = points.iterator().next();
    assertThat(p.getAttributes()).isEqualTo(point("store.get", "success", "gold"));
    assertThat(p.getCount()).isEqualTo(1);
    assertThat(p.getSum()).isEqualTo(0.002);
    assertThat(telemetry.span("store.get").getAttributes().get(TIER)).isEqualTo("gold");
    assertThat(telemetry.nonZeroRejections()).isEmpty();
  }

  @Test
  void setMetricAttribute_notOnTheInFlightCount() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 3).build();
    try (Operation op = tracer.start("store.get")) {
      op.setMetricAttribute("tenant.tier", "gold");
    }

    assertThat(telemetry.sumPoints("perftrace.operation.active"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getAttributes())
                  .isEqualTo(Attributes.of(PerfAttributes.OPERATION_NAME, "store.get"));
              assertThat(p.getValue()).isZero();
            });
  }

  @Test
  void setMetricAttribute_valuesBeyondTheBoundFoldIntoOverflow() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 2).build();
    for (String tier : new String[] {"gold", "silver", "bronze", "iron", "gold"}) {
      try (Operation op = tracer.start("store.get")) {
        op.setMetricAttribute("tenant.tier", tier);
      }
    }

    Map<Attributes, Long> counts =
        telemetry.histogramPoints("perftrace.operation.duration").stream()
            .collect(Collectors.toMap(HistogramPointData::getAttributes, HistogramPointData::getCount));
    assertThat(counts)
        .isEqualTo(
            Map.of(
                point("store.get", "success", "gold"), 2L,
                point("store.get", "success", "silver"), 1L,
                point("store.get", "success", "_overflow"), 2L));
    assertThat(telemetry.rejected("cardinality_overflow")).isEqualTo(2);
    // the span keeps the real (sanitized) value
    assertThat(
            telemetry.spans().stream()
                .map(s -> s.getAttributes().get(TIER))
                .collect(Collectors.toList()))
        .containsExactly("gold", "silver", "bronze", "iron", "gold");
  }

  @Test
  void setMetricAttribute_undeclaredKey_neverAMetricAttribute_counted() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 3).build();
    try (Operation op = tracer.start("store.get")) {
      op.setMetricAttribute("user.id", "u-123456");
      op.setMetricAttribute(PerfAttributes.CORRELATION_ID.getKey(), "req-1");
    }

    assertThat(telemetry.histogramPoints("perftrace.operation.duration"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getAttributes())
                    .isEqualTo(
                        Attributes.of(
                            PerfAttributes.OPERATION_NAME,
                            "store.get",
                            PerfAttributes.OPERATION_OUTCOME,
                            "success")));
    assertThat(telemetry.rejected("metric_attribute_undeclared")).isEqualTo(2);
    assertThat(telemetry.span("store.get").getAttributes().get(AttributeKey.stringKey("user.id")))
        .isNull();
  }

  @Test
  void setMetricAttribute_blankValueDropped_nullCounted() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 3).build();
    try (Operation op = tracer.start("store.get")) {
      op.setMetricAttribute("tenant.tier", "  ");
      op.setMetricAttribute("tenant.tier", null);
      op.setMetricAttribute(null, "gold");
    }

    assertThat(telemetry.histogramPoints("perftrace.operation.duration"))
        .singleElement()
        .satisfies(p -> assertThat(p.getAttributes().get(TIER)).isNull());
    assertThat(telemetry.rejected("name_blank")).isEqualTo(1);
    assertThat(telemetry.rejected("argument_null")).isEqualTo(2);
  }

  @Test
  void setMetricAttribute_withAnErrorAndTwoKeys() {
    PerfTracer tracer =
        telemetry
            .builder()
            .addMetricAttribute("tenant.tier", 3)
            .addMetricAttribute("http.request.method", 10)
            .build();
    try (Operation op = tracer.start("store.put")) {
      op.setMetricAttribute("http.request.method", "PUT").setMetricAttribute("tenant.tier", "gold");
      op.fail(new IllegalStateException("boom"));
    }

    assertThat(telemetry.histogramPoints("perftrace.operation.duration"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.getAttributes())
                    .isEqualTo(
                        Attributes.builder()
                            .put(PerfAttributes.OPERATION_NAME, "store.put")
                            .put(PerfAttributes.OPERATION_OUTCOME, "error")
                            .put(PerfAttributes.ERROR_TYPE, IllegalStateException.class.getName())
                            .put(TIER, "gold")
                            .put(METHOD, "PUT")
                            .build()));
  }

  @Test
  void operationBuilder_setMetricAttribute() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 3).build();
    try (Operation op = tracer.operation("store.get").setMetricAttribute("tenant.tier", "gold").start()) {
      // the operation's body
    }

    assertThat(telemetry.histogram("perftrace.operation.duration", point("store.get", "success", "gold"))
            .getCount())
        .isEqualTo(1);
    assertThat(telemetry.span("store.get").getAttributes().get(TIER)).isEqualTo("gold");
  }

  @Test
  void setMetricAttribute_afterClose_ignored() {
    PerfTracer tracer = telemetry.builder().addMetricAttribute("tenant.tier", 3).build();
    Operation op = tracer.start("store.get");
    op.close();
    op.setMetricAttribute("tenant.tier", "gold");

    assertThat(telemetry.histogramPoints("perftrace.operation.duration"))
        .singleElement()
        .satisfies(p -> assertThat(p.getAttributes().get(TIER)).isNull());
  }

  @Test
  void addMetricAttribute_reservedKeys_throwNamingTheParameter() {
    for (String key :
        new String[] {
          "perftrace.correlation_id",
          "perftrace.operation.name",
          "perftrace.anything",
          "error.type",
          "code.function.name",
          "otel.metric.overflow"
        }) {
      assertThatThrownBy(() -> telemetry.builder().addMetricAttribute(key, 3))
          .as(key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("metricAttributeKey")
          .hasMessageContaining(key);
    }
  }

  @Test
  void addMetricAttribute_badArguments_throwNamingThem() {
    assertThatThrownBy(() -> telemetry.builder().addMetricAttribute(null, 3))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("metricAttributeKey");
    assertThatThrownBy(() -> telemetry.builder().addMetricAttribute(" ", 3))
        .hasMessageContaining("metricAttributeKey");
    assertThatThrownBy(() -> telemetry.builder().addMetricAttribute("tenant.tier", 0))
        .hasMessageContaining("maxValues");
    assertThatThrownBy(
            () ->
                telemetry
                    .builder()
                    .addMetricAttribute("tenant.tier", 3)
                    .addMetricAttribute("tenant.tier", 3))
        .hasMessageContaining("declared twice");
  }

  @Test
  void noop_setMetricAttribute_returnsItself() {
    Operation op = PerfTracer.noop().start("x");
    assertThat(op.setMetricAttribute("tenant.tier", "gold")).isSameAs(op);
    assertThat(PerfTracer.noop().operation("x").setMetricAttribute("k", "v").start()).isSameAs(op);
  }
}
