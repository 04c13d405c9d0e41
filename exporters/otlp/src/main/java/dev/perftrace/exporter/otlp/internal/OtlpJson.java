package dev.perftrace.exporter.otlp.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExemplarData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongExemplarData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Encodes spans and metrics as one OTLP-JSON {@code ExportTraceServiceRequest} / {@code
 * ExportMetricsServiceRequest} (the OTLP JSON encoding the Collector's {@code otlpjsonfile}
 * receiver reads: lowerCamelCase field names, hex trace and span IDs, enums as numbers, 64-bit
 * integers as strings), from the public SDK data types only.
 *
 * <p>This class is internal and is not API. Thread safety: stateless.
 */
public final class OtlpJson {

  private OtlpJson() {}

  /** Returns {@code spans} as one {@code ExportTraceServiceRequest} JSON object, no newline. */
  public static String traces(Collection<SpanData> spans) {
    StringBuilder out = new StringBuilder(256 + spans.size() * 256);
    out.append("{\"resourceSpans\":[");
    Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> grouped =
        group(spans, SpanData::getResource, SpanData::getInstrumentationScopeInfo);
    boolean firstResource = true;
    for (Map.Entry<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> r :
        grouped.entrySet()) {
      firstResource = comma(out, firstResource);
      out.append('{');
      resource(out, r.getKey());
      out.append(",\"scopeSpans\":[");
      boolean firstScope = true;
      for (Map.Entry<InstrumentationScopeInfo, List<SpanData>> s : r.getValue().entrySet()) {
        firstScope = comma(out, firstScope);
        out.append('{');
        scope(out, s.getKey());
        out.append(",\"spans\":[");
        boolean firstSpan = true;
        for (SpanData span : s.getValue()) {
          firstSpan = comma(out, firstSpan);
          span(out, span);
        }
        out.append("]}");
      }
      out.append("]}");
    }
    return out.append("]}").toString();
  }

  /** Returns {@code metrics} as one {@code ExportMetricsServiceRequest} JSON object. */
  public static String metrics(Collection<MetricData> metrics) {
    StringBuilder out = new StringBuilder(256 + metrics.size() * 256);
    out.append("{\"resourceMetrics\":[");
    Map<Resource, Map<InstrumentationScopeInfo, List<MetricData>>> grouped =
        group(metrics, MetricData::getResource, MetricData::getInstrumentationScopeInfo);
    boolean firstResource = true;
    for (Map.Entry<Resource, Map<InstrumentationScopeInfo, List<MetricData>>> r :
        grouped.entrySet()) {
      firstResource = comma(out, firstResource);
      out.append('{');
      resource(out, r.getKey());
      out.append(",\"scopeMetrics\":[");
      boolean firstScope = true;
      for (Map.Entry<InstrumentationScopeInfo, List<MetricData>> s : r.getValue().entrySet()) {
        firstScope = comma(out, firstScope);
        out.append('{');
        scope(out, s.getKey());
        out.append(",\"metrics\":[");
        boolean firstMetric = true;
        for (MetricData metric : s.getValue()) {
          firstMetric = comma(out, firstMetric);
          metric(out, metric);
        }
        out.append("]}");
      }
      out.append("]}");
    }
    return out.append("]}").toString();
  }

  private static <T> Map<Resource, Map<InstrumentationScopeInfo, List<T>>> group(
      Collection<T> items,
      Function<T, Resource> resource,
      Function<T, InstrumentationScopeInfo> scope) {
    Map<Resource, Map<InstrumentationScopeInfo, List<T>>> grouped = new LinkedHashMap<>();
    for (T item : items) {
      grouped
          .computeIfAbsent(resource.apply(item), k -> new LinkedHashMap<>())
          .computeIfAbsent(scope.apply(item), k -> new java.util.ArrayList<>())
          .add(item);
    }
    return grouped;
  }

  private static void resource(StringBuilder out, Resource resource) {
    out.append("\"resource\":{");
    attributes(out, resource.getAttributes());
    out.append('}');
    if (resource.getSchemaUrl() != null) {
      out.append(",\"schemaUrl\":");
      string(out, resource.getSchemaUrl());
    }
  }

  private static void scope(StringBuilder out, InstrumentationScopeInfo scope) {
    out.append("\"scope\":{\"name\":");
    string(out, scope.getName());
    if (scope.getVersion() != null) {
      out.append(",\"version\":");
      string(out, scope.getVersion());
    }
    out.append(',');
    attributes(out, scope.getAttributes());
    out.append('}');
    if (scope.getSchemaUrl() != null) {
      out.append(",\"schemaUrl\":");
      string(out, scope.getSchemaUrl());
    }
  }

  private static void span(StringBuilder out, SpanData span) {
    SpanContext context = span.getSpanContext();
    out.append("{\"traceId\":\"").append(context.getTraceId());
    out.append("\",\"spanId\":\"").append(context.getSpanId()).append('"');
    String traceState = w3cTraceState(context);
    if (!traceState.isEmpty()) {
      out.append(",\"traceState\":");
      string(out, traceState);
    }
    if (span.getParentSpanContext().isValid()) {
      out.append(",\"parentSpanId\":\"").append(span.getParentSpanId()).append('"');
    }
    out.append(",\"flags\":").append(context.getTraceFlags().asByte() & 0xff);
    out.append(",\"name\":");
    string(out, span.getName());
    out.append(",\"kind\":").append(span.getKind().ordinal() + 1);
    out.append(",\"startTimeUnixNano\":\"").append(span.getStartEpochNanos());
    out.append("\",\"endTimeUnixNano\":\"").append(span.getEndEpochNanos()).append("\",");
    attributes(out, span.getAttributes());
    droppedCount(out, "droppedAttributesCount",
        span.getTotalAttributeCount() - span.getAttributes().size());
    out.append(",\"events\":[");
    boolean first = true;
    for (EventData event : span.getEvents()) {
      first = comma(out, first);
      out.append("{\"timeUnixNano\":\"").append(event.getEpochNanos()).append("\",\"name\":");
      string(out, event.getName());
      out.append(',');
      attributes(out, event.getAttributes());
      droppedCount(out, "droppedAttributesCount",
          event.getTotalAttributeCount() - event.getAttributes().size());
      out.append('}');
    }
    out.append(']');
    droppedCount(out, "droppedEventsCount", span.getTotalRecordedEvents() - span.getEvents().size());
    out.append(",\"links\":[");
    first = true;
    for (LinkData link : span.getLinks()) {
      first = comma(out, first);
      SpanContext linked = link.getSpanContext();
      out.append("{\"traceId\":\"").append(linked.getTraceId());
      out.append("\",\"spanId\":\"").append(linked.getSpanId()).append('"');
      String linkedState = w3cTraceState(linked);
      if (!linkedState.isEmpty()) {
        out.append(",\"traceState\":");
        string(out, linkedState);
      }
      out.append(',');
      attributes(out, link.getAttributes());
      droppedCount(out, "droppedAttributesCount",
          link.getTotalAttributeCount() - link.getAttributes().size());
      out.append('}');
    }
    out.append(']');
    droppedCount(out, "droppedLinksCount", span.getTotalRecordedLinks() - span.getLinks().size());
    out.append(",\"status\":{");
    String description = span.getStatus().getDescription();
    if (description != null && !description.isEmpty()) {
      out.append("\"message\":");
      string(out, description);
      out.append(',');
    }
    out.append("\"code\":").append(span.getStatus().getStatusCode().ordinal()).append("}}");
  }

  private static String w3cTraceState(SpanContext context) {
    StringBuilder state = new StringBuilder();
    context
        .getTraceState()
        .forEach(
            (k, v) -> {
              if (state.length() > 0) {
                state.append(',');
              }
              state.append(k).append('=').append(v);
            });
    return state.toString();
  }

  private static void droppedCount(StringBuilder out, String field, long count) {
    if (count > 0) {
      out.append(",\"").append(field).append("\":").append(count);
    }
  }

  private static void metric(StringBuilder out, MetricData metric) {
    out.append("{\"name\":");
    string(out, metric.getName());
    out.append(",\"description\":");
    string(out, metric.getDescription());
    out.append(",\"unit\":");
    string(out, metric.getUnit());
    out.append(',');
    switch (metric.getType()) {
      case LONG_GAUGE:
        out.append("\"gauge\":{");
        longPoints(out, metric.getLongGaugeData().getPoints());
        out.append('}');
        break;
      case DOUBLE_GAUGE:
        out.append("\"gauge\":{");
        doublePoints(out, metric.getDoubleGaugeData().getPoints());
        out.append('}');
        break;
      case LONG_SUM:
        out.append("\"sum\":{");
        longPoints(out, metric.getLongSumData().getPoints());
        sumTail(out, metric.getLongSumData());
        break;
      case DOUBLE_SUM:
        out.append("\"sum\":{");
        doublePoints(out, metric.getDoubleSumData().getPoints());
        sumTail(out, metric.getDoubleSumData());
        break;
      case HISTOGRAM:
        out.append("\"histogram\":{\"dataPoints\":[");
        boolean first = true;
        for (HistogramPointData p : metric.getHistogramData().getPoints()) {
          first = comma(out, first);
          histogramPoint(out, p);
        }
        out.append("],");
        temporality(out, metric.getHistogramData().getAggregationTemporality());
        out.append('}');
        break;
      case EXPONENTIAL_HISTOGRAM:
        out.append("\"exponentialHistogram\":{\"dataPoints\":[");
        first = true;
        for (ExponentialHistogramPointData p :
            metric.getExponentialHistogramData().getPoints()) {
          first = comma(out, first);
          exponentialPoint(out, p);
        }
        out.append("],");
        temporality(out, metric.getExponentialHistogramData().getAggregationTemporality());
        out.append('}');
        break;
      case SUMMARY:
      default:
        out.append("\"summary\":{\"dataPoints\":[");
        first = true;
        for (SummaryPointData p : metric.getSummaryData().getPoints()) {
          first = comma(out, first);
          out.append('{');
          pointHead(out, p);
          out.append(",\"count\":\"").append(p.getCount()).append("\",\"sum\":");
          number(out, p.getSum());
          out.append(",\"quantileValues\":[");
          boolean firstQ = true;
          for (ValueAtQuantile q : p.getValues()) {
            firstQ = comma(out, firstQ);
            out.append("{\"quantile\":");
            number(out, q.getQuantile());
            out.append(",\"value\":");
            number(out, q.getValue());
            out.append('}');
          }
          out.append("]}");
        }
        out.append("]}");
        break;
    }
    out.append('}');
  }

  private static void sumTail(StringBuilder out, SumData<?> sum) {
    out.append(',');
    temporality(out, sum.getAggregationTemporality());
    out.append(",\"isMonotonic\":").append(sum.isMonotonic()).append('}');
  }

  private static void temporality(StringBuilder out, AggregationTemporality temporality) {
    out.append("\"aggregationTemporality\":")
        .append(temporality == AggregationTemporality.DELTA ? 1 : 2);
  }

  private static void pointHead(StringBuilder out, PointData p) {
    attributes(out, p.getAttributes());
    out.append(",\"startTimeUnixNano\":\"").append(p.getStartEpochNanos());
    out.append("\",\"timeUnixNano\":\"").append(p.getEpochNanos()).append('"');
  }

  private static void longPoints(StringBuilder out, Collection<LongPointData> points) {
    out.append("\"dataPoints\":[");
    boolean first = true;
    for (LongPointData p : points) {
      first = comma(out, first);
      out.append('{');
      pointHead(out, p);
      out.append(",\"asInt\":\"").append(p.getValue()).append('"');
      exemplars(out, p.getExemplars());
      out.append('}');
    }
    out.append(']');
  }

  private static void doublePoints(StringBuilder out, Collection<DoublePointData> points) {
    out.append("\"dataPoints\":[");
    boolean first = true;
    for (DoublePointData p : points) {
      first = comma(out, first);
      out.append('{');
      pointHead(out, p);
      out.append(",\"asDouble\":");
      number(out, p.getValue());
      exemplars(out, p.getExemplars());
      out.append('}');
    }
    out.append(']');
  }

  private static void histogramPoint(StringBuilder out, HistogramPointData p) {
    out.append('{');
    pointHead(out, p);
    out.append(",\"count\":\"").append(p.getCount()).append("\",\"sum\":");
    number(out, p.getSum());
    out.append(",\"bucketCounts\":[");
    boolean first = true;
    for (Long count : p.getCounts()) {
      first = comma(out, first);
      out.append('"').append(count).append('"');
    }
    out.append("],\"explicitBounds\":[");
    first = true;
    for (Double bound : p.getBoundaries()) {
      first = comma(out, first);
      number(out, bound);
    }
    out.append(']');
    minMax(out, p.hasMin(), p.getMin(), p.hasMax(), p.getMax());
    exemplars(out, p.getExemplars());
    out.append('}');
  }

  private static void exponentialPoint(StringBuilder out, ExponentialHistogramPointData p) {
    out.append('{');
    pointHead(out, p);
    out.append(",\"count\":\"").append(p.getCount()).append("\",\"sum\":");
    number(out, p.getSum());
    out.append(",\"scale\":").append(p.getScale());
    out.append(",\"zeroCount\":\"").append(p.getZeroCount()).append('"');
    buckets(out, "positive", p.getPositiveBuckets());
    buckets(out, "negative", p.getNegativeBuckets());
    minMax(out, p.hasMin(), p.getMin(), p.hasMax(), p.getMax());
    exemplars(out, p.getExemplars());
    out.append('}');
  }

  private static void buckets(StringBuilder out, String field, ExponentialHistogramBuckets b) {
    out.append(",\"").append(field).append("\":{\"offset\":").append(b.getOffset());
    out.append(",\"bucketCounts\":[");
    boolean first = true;
    for (Long count : b.getBucketCounts()) {
      first = comma(out, first);
      out.append('"').append(count).append('"');
    }
    out.append("]}");
  }

  private static void minMax(StringBuilder out, boolean hasMin, double min, boolean hasMax,
      double max) {
    if (hasMin) {
      out.append(",\"min\":");
      number(out, min);
    }
    if (hasMax) {
      out.append(",\"max\":");
      number(out, max);
    }
  }

  private static void exemplars(StringBuilder out, List<? extends ExemplarData> exemplars) {
    if (exemplars.isEmpty()) {
      return;
    }
    out.append(",\"exemplars\":[");
    boolean first = true;
    for (ExemplarData e : exemplars) {
      first = comma(out, first);
      out.append("{\"filteredAttributes\":[");
      attributeList(out, e.getFilteredAttributes());
      out.append("],\"timeUnixNano\":\"").append(e.getEpochNanos()).append('"');
      if (e instanceof LongExemplarData) {
        out.append(",\"asInt\":\"").append(((LongExemplarData) e).getValue()).append('"');
      } else if (e instanceof DoubleExemplarData) {
        out.append(",\"asDouble\":");
        number(out, ((DoubleExemplarData) e).getValue());
      }
      if (e.getSpanContext().isValid()) {
        out.append(",\"spanId\":\"").append(e.getSpanContext().getSpanId());
        out.append("\",\"traceId\":\"").append(e.getSpanContext().getTraceId()).append('"');
      }
      out.append('}');
    }
    out.append(']');
  }

  private static void attributes(StringBuilder out, Attributes attributes) {
    out.append("\"attributes\":[");
    attributeList(out, attributes);
    out.append(']');
  }

  private static void attributeList(StringBuilder out, Attributes attributes) {
    boolean[] first = {true};
    attributes.forEach(
        (AttributeKey<?> key, Object value) -> {
          first[0] = comma(out, first[0]);
          out.append("{\"key\":");
          string(out, key.getKey());
          out.append(",\"value\":");
          anyValue(out, value);
          out.append('}');
        });
  }

  private static void anyValue(StringBuilder out, Object value) {
    if (value instanceof String) {
      out.append("{\"stringValue\":");
      string(out, (String) value);
      out.append('}');
    } else if (value instanceof Boolean) {
      out.append("{\"boolValue\":").append(value).append('}');
    } else if (value instanceof Long || value instanceof Integer) {
      out.append("{\"intValue\":\"").append(value).append("\"}");
    } else if (value instanceof Double || value instanceof Float) {
      out.append("{\"doubleValue\":");
      number(out, ((Number) value).doubleValue());
      out.append('}');
    } else if (value instanceof List) {
      out.append("{\"arrayValue\":{\"values\":[");
      boolean first = true;
      for (Object element : (List<?>) value) {
        first = comma(out, first);
        anyValue(out, element);
      }
      out.append("]}}");
    } else {
      out.append("{\"stringValue\":");
      string(out, String.valueOf(value));
      out.append('}');
    }
  }

  private static void number(StringBuilder out, double value) {
    if (Double.isNaN(value)) {
      out.append("\"NaN\"");
    } else if (Double.isInfinite(value)) {
      out.append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    } else {
      out.append(value);
    }
  }

  private static boolean comma(StringBuilder out, boolean first) {
    if (!first) {
      out.append(',');
    }
    return false;
  }

  static void string(StringBuilder out, String value) {
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        default:
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
  }
}
