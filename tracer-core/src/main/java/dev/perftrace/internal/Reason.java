package dev.perftrace.internal;

import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.common.Attributes;

/**
 * Why a record was dropped or sanitized: the {@code perftrace.reason} values of {@code
 * perftrace.telemetry.rejected}. Internal: not API.
 *
 * <p>Thread safety: immutable.
 */
public enum Reason {
  /** Operation, source, cache or tier name null or blank. */
  NAME_BLANK("name_blank"),
  /** Name longer than the configured maximum; truncated. */
  NAME_TRUNCATED("name_truncated"),
  /** Name contained control characters; replaced by {@code _}. */
  NAME_CONTROL_CHARS("name_control_chars"),
  /** A new name beyond the cardinality bound; folded into {@code _overflow}. */
  CARDINALITY_OVERFLOW("cardinality_overflow"),
  /** Negative byte count; dropped. */
  BYTES_NEGATIVE("bytes_negative"),
  /** A byte total that would pass {@code Long.MAX_VALUE}; saturated there. */
  BYTES_OVERFLOW("bytes_overflow"),
  /** Null or negative duration; dropped. */
  DURATION_INVALID("duration_invalid"),
  /** Tier not declared for the cache; dropped. */
  TIER_UNKNOWN("tier_unknown"),
  /** Invalid correlation ID; replaced by a generated one. */
  CORRELATION_ID_INVALID("correlation_id_invalid"),
  /** Oversized or malformed propagation header; ignored. */
  HEADER_INVALID("header_invalid"),
  /** A required argument was null; dropped. */
  ARGUMENT_NULL("argument_null"),
  /** {@code Operation.close()} on a thread that did not start it; ended, context not restored. */
  CLOSE_FOREIGN_THREAD("close_foreign_thread"),
  /** A metric attribute key the tracer's builder did not declare; dropped. */
  METRIC_ATTRIBUTE_UNDECLARED("metric_attribute_undeclared");

  private final String value;
  private final Attributes attributes;

  Reason(String value) {
    this.value = value;
    this.attributes = Attributes.of(PerfAttributes.REASON, value);
  }

  /** Returns the {@code perftrace.reason} attribute value. */
  public String value() {
    return value;
  }

  Attributes attributes() {
    return attributes;
  }
}
