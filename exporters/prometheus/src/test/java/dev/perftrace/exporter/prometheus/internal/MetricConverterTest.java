package dev.perftrace.exporter.prometheus.internal;

import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.data.SummaryData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableHistogramPointData;
import io.opentelemetry.sdk.metrics.internal.data.ImmutableMetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricConverterTest {

  private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("s");
  private static final SpanContext SPAN =
      SpanContext.create(
          "0af7651916cd43dd8448eb211c80319c",
          "b7ad6b7169203331",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  private final OnceLogger log = new OnceLogger();
  private final MetricConverter converter = new MetricConverter(false, true, log);

  @Test
  void convert_seriesAbsentFromNextCollection_evictedFromCache() {
    converter.convert(List.of(counter(point("a", 1), point("b", 2))));
    converter.convert(List.of(counter(point("a", 3))));

    assertThat(converter.cachedSeries()).isEqualTo(1);
  }

  @Test
  void convert_metricAbsentFromNextCollection_evictedFromCache() {
    converter.convert(List.of(counter(point("a", 1), point("b", 2))));
    converter.convert(List.of());

    assertThat(converter.cachedSeries()).isZero();
  }

  @Test
  void convert_cachedSeries_sameLabelListsReused() {
    MetricFamilySamples first = converter.convert(List.of(counter(point("a", 1)))).get(0);
    MetricFamilySamples second = converter.convert(List.of(counter(point("a", 2)))).get(0);

    assertThat(second.samples.get(0).labelValues).isSameAs(first.samples.get(0).labelValues);
    assertThat(second.samples.get(0).value).isEqualTo(2.0);
  }

  @Test
  void convert_deltaSum_leftOutAndLogged() {
    MetricData delta =
        ImmutableMetricData.createLongSum(
            Resource.empty(), SCOPE, "d", "", "",
            SumData.createLongSumData(true, AggregationTemporality.DELTA, List.of(point("a", 1))));

    assertThat(converter.convert(List.of(delta))).isEmpty();
    assertThat(log.hasLogged(OnceLogger.Reason.DELTA_DROPPED)).isTrue();
  }

  @Test
  void convert_summary_quantilesCountAndSum() {
    MetricData summary =
        ImmutableMetricData.createDoubleSummary(
            Resource.empty(), SCOPE, "rpc.latency", "Latency", "ms",
            SummaryData.create(
                List.of(
                    SummaryPointData.create(
                        0, 1, Attributes.empty(), 4, 10.0,
                        List.of(ValueAtQuantile.create(0.5, 2.0),
                            ValueAtQuantile.create(0.99, 4.0))))));

    assertThat(text004(converter.convert(List.of(summary))))
        .isEqualTo(
            "# HELP rpc_latency_milliseconds Latency\n"
                + "# TYPE rpc_latency_milliseconds summary\n"
                + "rpc_latency_milliseconds{otel_scope_name=\"s\",quantile=\"0.5\",} 2.0\n"
                + "rpc_latency_milliseconds{otel_scope_name=\"s\",quantile=\"0.99\",} 4.0\n"
                + "rpc_latency_milliseconds_count{otel_scope_name=\"s\",} 4.0\n"
                + "rpc_latency_milliseconds_sum{otel_scope_name=\"s\",} 10.0\n");
  }

  @Test
  void convert_exemplarAboveLastBoundary_onInfBucket() {
    List<MetricFamilySamples> families =
        converter.convert(List.of(histogram(DoubleExemplarData.create(
            Attributes.empty(), 2_000_000L, SPAN, 7.5))));

    var samples = families.get(0).samples;
    assertThat(samples.get(0).exemplar).isNull();
    assertThat(samples.get(1).labelValues).containsExactly("s", "+Inf");
    assertThat(samples.get(1).exemplar.getValue()).isEqualTo(7.5);
    assertThat(samples.get(1).exemplar.getTimestampMs()).isEqualTo(2L);
    assertThat(samples.get(1).exemplar.getLabelValue(1)).isEqualTo(SPAN.getTraceId());
  }

  @Test
  void convert_exemplarWithoutValidSpanContext_omitted() {
    List<MetricFamilySamples> families =
        converter.convert(List.of(histogram(DoubleExemplarData.create(
            Attributes.empty(), 1L, SpanContext.getInvalid(), 0.5))));

    assertThat(families).hasSize(1);
    assertThat(families.get(0).samples).hasSize(4).allMatch(s -> s.exemplar == null);
  }

  @Test
  void convert_exemplarOnBoundary_onThatBucket() {
    List<MetricFamilySamples> families =
        converter.convert(List.of(histogram(DoubleExemplarData.create(
            Attributes.empty(), 1L, SPAN, 1.0))));

    assertThat(families.get(0).samples.get(0).exemplar.getValue()).isEqualTo(1.0);
    assertThat(families.get(0).samples.get(0).labelValues).containsExactly("s", "1.0");
  }

  @Test
  void convert_exemplarFilteredAttributes_addedAsLabels() {
    List<MetricFamilySamples> families =
        converter.convert(List.of(histogram(DoubleExemplarData.create(
            Attributes.of(stringKey("perftrace.correlation_id"), "req-42"), 1L, SPAN, 0.5))));

    var exemplar = families.get(0).samples.get(0).exemplar;
    assertThat(exemplar.getNumberOfLabels()).isEqualTo(3);
    assertThat(exemplar.getLabelName(0)).isEqualTo("perftrace_correlation_id");
    assertThat(exemplar.getLabelValue(0)).isEqualTo("req-42");
  }

  @Test
  void convert_exemplarFilteredAttributesOverLimit_dropped() {
    String longValue = "x".repeat(60);
    List<MetricFamilySamples> families =
        converter.convert(List.of(histogram(DoubleExemplarData.create(
            Attributes.of(stringKey("perftrace.correlation_id"), longValue), 1L, SPAN, 0.5))));

    var exemplar = families.get(0).samples.get(0).exemplar;
    assertThat(exemplar.getNumberOfLabels()).isEqualTo(2);
    assertThat(exemplar.getLabelName(0)).isEqualTo("span_id");
    assertThat(exemplar.getLabelName(1)).isEqualTo("trace_id");
  }

  @Test
  void formatBound_smallAndLargeBoundaries_plainDecimal() {
    assertThat(MetricConverter.formatBound(0.0005)).isEqualTo("0.0005");
    assertThat(MetricConverter.formatBound(67108864.0)).isEqualTo("67108864.0");
    assertThat(MetricConverter.formatBound(0.25)).isEqualTo("0.25");
    assertThat(MetricConverter.formatBound(1.0)).isEqualTo("1.0");
    assertThat(MetricConverter.formatBound(1.0E-10)).isEqualTo("0.0000000001");
  }

  @Test
  void convert_metricNamedTargetInfo_leftOutWhileTargetInfoEnabled() {
    MetricConverter withTargetInfo = new MetricConverter(true, false, log);
    MetricData clash =
        ImmutableMetricData.createLongSum(
            Resource.empty(), SCOPE, "target.info", "", "",
            SumData.createLongSumData(
                false, AggregationTemporality.CUMULATIVE, List.of(point("a", 1))));

    List<MetricFamilySamples> families = withTargetInfo.convert(List.of(clash));

    assertThat(families).extracting(f -> f.name).containsExactly("target");
    assertThat(log.hasLogged(OnceLogger.Reason.FAMILY_CONFLICT)).isTrue();
  }

  @Test
  void convert_clashingFamilies_droppedAndCountedPerScrape() {
    MetricData jobs = counter("jobs", point("a", 1));
    MetricData jobsTotal =
        ImmutableMetricData.createLongGauge(
            Resource.empty(), SCOPE, "jobs.total", "", "",
            io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData.create(
                List.of(point("a", 5))));

    converter.convert(List.of(jobs, jobsTotal));
    List<MetricFamilySamples> families = converter.convert(List.of(jobsTotal, jobs));

    assertThat(families).extracting(f -> f.name).containsExactly("jobs");
    assertThat(log.count(OnceLogger.Reason.FAMILY_CONFLICT)).isEqualTo(2);
  }

  @Test
  void convert_attributesSanitizingToSameSeries_secondDroppedAndCounted() {
    MetricData gauge =
        ImmutableMetricData.createLongGauge(
            Resource.empty(), SCOPE, "g", "", "",
            io.opentelemetry.sdk.metrics.internal.data.ImmutableGaugeData.create(
                List.of(
                    LongPointData.create(0, 1, Attributes.of(stringKey("a.b"), "x"), 1),
                    LongPointData.create(0, 1, Attributes.of(stringKey("a_b"), "x"), 2))));

    List<MetricFamilySamples> families = converter.convert(List.of(gauge));

    assertThat(families.get(0).samples).hasSize(1);
    assertThat(families.get(0).samples.get(0).value).isEqualTo(1.0);
    assertThat(log.count(OnceLogger.Reason.SERIES_CONFLICT)).isEqualTo(1);
  }

  @Test
  void convert_scopeAttributes_prefixedLabels() {
    InstrumentationScopeInfo scope =
        InstrumentationScopeInfo.builder("lib")
            .setVersion("1.2")
            .setSchemaUrl("https://example.com/s")
            .setAttributes(Attributes.of(stringKey("library.mode"), "fast"))
            .build();
    MetricData sum =
        ImmutableMetricData.createLongSum(
            Resource.empty(), scope, "c", "", "",
            SumData.createLongSumData(true, AggregationTemporality.CUMULATIVE,
                List.of(point("a", 1))));

    MetricFamilySamples family = converter.convert(List.of(sum)).get(0);

    assertThat(family.samples.get(0).labelNames)
        .containsExactly(
            "k", "otel_scope_name", "otel_scope_version", "otel_scope_schema_url",
            "otel_scope_library_mode");
    assertThat(family.samples.get(0).labelValues)
        .containsExactly("a", "lib", "1.2", "https://example.com/s", "fast");
  }

  @Test
  void convert_twoResources_targetInfoSamplePerResource() {
    MetricConverter withTargetInfo = new MetricConverter(true, true, log);
    Resource one = Resource.create(Attributes.of(stringKey("service.name"), "a"));
    Resource two = Resource.create(Attributes.of(stringKey("service.name"), "b"));
    MetricData first =
        ImmutableMetricData.createLongSum(
            one, SCOPE, "c", "", "",
            SumData.createLongSumData(true, AggregationTemporality.CUMULATIVE,
                List.of(point("a", 1))));
    MetricData second =
        ImmutableMetricData.createLongSum(
            two, SCOPE, "d", "", "",
            SumData.createLongSumData(true, AggregationTemporality.CUMULATIVE,
                List.of(point("a", 1))));

    MetricFamilySamples target = withTargetInfo.convert(List.of(first, second)).get(0);

    assertThat(target.name).isEqualTo("target");
    assertThat(target.samples).hasSize(2);
    assertThat(target.samples).extracting(s -> s.labelValues.get(0)).containsExactly("a", "b");
  }

  @Test
  void valueString_arrayAttribute_jsonArray() {
    assertThat(MetricConverter.valueString(List.of("a", "b\"c"))).isEqualTo("[\"a\",\"b\\\"c\"]");
    assertThat(MetricConverter.valueString(List.of(1L, 2L))).isEqualTo("[1,2]");
  }

  @Test
  void convert_metricThatCannotBeConverted_leftOutWhileTheRestIsServed() {
    MetricData broken = counter("broken", throwingPoint());

    List<MetricFamilySamples> first =
        converter.convert(List.of(counter("a", point("x", 1)), broken, counter("z", point("x", 2))));
    List<MetricFamilySamples> second =
        converter.convert(List.of(counter("a", point("x", 3)), broken, counter("z", point("x", 4))));

    // the broken metric is left out whole (no family header either), both neighbours are served
    // exactly
    assertThat(first).extracting(f -> f.name).containsExactly("a", "z");
    assertThat(second).extracting(f -> f.name).containsExactly("a", "z");
    assertThat(text004(first)).doesNotContain("broken");
    assertThat(sampleLines(text004(first)))
        .containsExactly(
            "a_total{k=\"x\",otel_scope_name=\"s\",} 1.0",
            "z_total{k=\"x\",otel_scope_name=\"s\",} 2.0");
    assertThat(sampleLines(text004(second)))
        .containsExactly(
            "a_total{k=\"x\",otel_scope_name=\"s\",} 3.0",
            "z_total{k=\"x\",otel_scope_name=\"s\",} 4.0");
    assertThat(log.count(OnceLogger.Reason.CONVERSION_FAILED)).isEqualTo(2);
    assertThat(log.hasLogged(OnceLogger.Reason.CONVERSION_FAILED)).isTrue();
  }

  @Test
  void convert_metricFailingAfterItsFirstPoint_leavesNoPartialSamplesAndFreesItsSeries() {
    MetricData half = counter("half", point("y", 5), throwingPoint());

    List<MetricFamilySamples> first = converter.convert(List.of(half, counter("z", point("x", 2))));
    // the same family next collection, whole this time: its series are not taken by the failure
    List<MetricFamilySamples> second =
        converter.convert(List.of(counter("half", point("y", 6), point("x", 7))));

    assertThat(first).extracting(f -> f.name).containsExactly("z");
    assertThat(sampleLines(text004(first)))
        .containsExactly("z_total{k=\"x\",otel_scope_name=\"s\",} 2.0");
    assertThat(sampleLines(text004(second)))
        .containsExactly(
            "half_total{k=\"y\",otel_scope_name=\"s\",} 6.0",
            "half_total{k=\"x\",otel_scope_name=\"s\",} 7.0");
    assertThat(log.count(OnceLogger.Reason.CONVERSION_FAILED)).isEqualTo(1);
  }

  /** A point whose value getter throws, as a broken custom {@code MetricProducer} might. */
  private static LongPointData throwingPoint() {
    return new LongPointData() {
      @Override
      public long getValue() {
        throw new IllegalStateException("broken point");
      }

      @Override
      public long getStartEpochNanos() {
        return 0;
      }

      @Override
      public long getEpochNanos() {
        return 1;
      }

      @Override
      public Attributes getAttributes() {
        return Attributes.of(stringKey("k"), "x");
      }

      @Override
      public List<io.opentelemetry.sdk.metrics.data.LongExemplarData> getExemplars() {
        return List.of();
      }
    };
  }

  private static LongPointData point(String key, long value) {
    return LongPointData.create(0, 1, Attributes.of(stringKey("k"), key), value);
  }

  private static MetricData counter(LongPointData... points) {
    return counter("c", points);
  }

  private static MetricData counter(String name, LongPointData... points) {
    return ImmutableMetricData.createLongSum(
        Resource.empty(), SCOPE, name, "", "",
        SumData.createLongSumData(true, AggregationTemporality.CUMULATIVE, List.of(points)));
  }

  private static MetricData histogram(DoubleExemplarData exemplar) {
    return ImmutableMetricData.createDoubleHistogram(
        Resource.empty(), SCOPE, "h", "", "",
        ImmutableHistogramData.create(
            AggregationTemporality.CUMULATIVE,
            List.of(
                ImmutableHistogramPointData.create(
                    0, 1, Attributes.empty(), exemplar.getValue(), false, 0, false, 0,
                    List.of(1.0), exemplar.getValue() <= 1.0 ? List.of(1L, 0L) : List.of(0L, 1L),
                    List.of(exemplar)))));
  }

  private static List<String> sampleLines(String exposition) {
    return exposition.lines().filter(l -> !l.startsWith("#")).collect(Collectors.toList());
  }

  private static String text004(List<MetricFamilySamples> families) {
    StringWriter out = new StringWriter();
    try {
      TextFormat.write004(out, Collections.enumeration(families));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toString();
  }
}
