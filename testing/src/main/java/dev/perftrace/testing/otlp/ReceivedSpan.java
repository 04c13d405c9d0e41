package dev.perftrace.testing.otlp;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One span as an OTLP receiver decoded it from the wire, flattened for assertions: IDs as
 * lower-case hex, attributes as strings.
 *
 * <p>Thread safety: immutable; safe for concurrent use.
 */
public final class ReceivedSpan {

  private final String traceId;
  private final String spanId;
  private final String parentSpanId;
  private final String name;
  private final String scopeName;
  private final Map<String, String> attributes;
  private final Map<String, String> resourceAttributes;
  private final Span proto;

  private ReceivedSpan(Span span, String scopeName, Map<String, String> resourceAttributes) {
    this.proto = span;
    this.traceId = hex(span.getTraceId().toByteArray());
    this.spanId = hex(span.getSpanId().toByteArray());
    this.parentSpanId = hex(span.getParentSpanId().toByteArray());
    this.name = span.getName();
    this.scopeName = scopeName;
    this.attributes = attributes(span.getAttributesList());
    this.resourceAttributes = resourceAttributes;
  }

  /** Flattens the spans of {@code requests}, in arrival order. */
  public static List<ReceivedSpan> fromRequests(List<ExportTraceServiceRequest> requests) {
    requireNonNull(requests, "requests");
    List<ReceivedSpan> spans = new ArrayList<>();
    for (ExportTraceServiceRequest request : requests) {
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        Map<String, String> resource = resourceAttributes(resourceSpans.getResource());
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            spans.add(new ReceivedSpan(span, scopeSpans.getScope().getName(), resource));
          }
        }
      }
    }
    return Collections.unmodifiableList(spans);
  }

  /** Returns the resource attributes rendered as strings. */
  static Map<String, String> resourceAttributes(Resource resource) {
    return attributes(resource.getAttributesList());
  }

  /** Renders OTLP attributes as an insertion-ordered, unmodifiable map of strings. */
  static Map<String, String> attributes(List<KeyValue> keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      map.put(kv.getKey(), render(kv.getValue()));
    }
    return Collections.unmodifiableMap(map);
  }

  /** Renders one OTLP value as a string (arrays as {@code [a, b]}). */
  static String render(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case BOOL_VALUE:
        return Boolean.toString(value.getBoolValue());
      case INT_VALUE:
        return Long.toString(value.getIntValue());
      case DOUBLE_VALUE:
        return Double.toString(value.getDoubleValue());
      case ARRAY_VALUE:
        return value.getArrayValue().getValuesList().stream()
            .map(ReceivedSpan::render)
            .collect(Collectors.joining(", ", "[", "]"));
      case BYTES_VALUE:
        return hex(value.getBytesValue().toByteArray());
      default:
        return value.toString();
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Returns the 32-character lower-case hex trace ID. */
  public String traceId() {
    return traceId;
  }

  /** Returns the 16-character lower-case hex span ID. */
  public String spanId() {
    return spanId;
  }

  /** Returns the parent span ID in hex, or the empty string for a root span. */
  public String parentSpanId() {
    return parentSpanId;
  }

  /** Returns the span name. */
  public String name() {
    return name;
  }

  /** Returns the instrumentation scope name. */
  public String scopeName() {
    return scopeName;
  }

  /** Returns the span attributes rendered as strings. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** Returns the attribute {@code key} rendered as a string, or {@code null} when absent. */
  public String attribute(String key) {
    return attributes.get(key);
  }

  /** Returns the attributes of the resource the span arrived with. */
  public Map<String, String> resourceAttributes() {
    return resourceAttributes;
  }

  /** Returns the decoded protobuf span. */
  public Span proto() {
    return proto;
  }

  @Override
  public String toString() {
    return "ReceivedSpan{name=" + name + ", traceId=" + traceId + ", spanId=" + spanId
        + ", attributes=" + attributes + "}";
  }
}
