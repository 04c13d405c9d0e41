package dev.perftrace.report.internal;

import java.util.Map;

/**
 * One span as Jaeger's query API returns it: times in microseconds since the epoch, tags as
 * strings. Thread safety: immutable.
 */
public record JaegerSpan(
    String traceId,
    String spanId,
    String parentSpanId,
    String service,
    String operation,
    long startMicros,
    long durationMicros,
    Map<String, String> tags) {

  /** Tag value, or null. */
  public String tag(String key) {
    return tags.get(key);
  }
}
