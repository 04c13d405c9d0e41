package dev.perftrace;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attribute keys PerfTrace records, as listed in {@code docs/telemetry.md}.
 *
 * <p>Thread safety: constants only; immutable.
 */
public final class PerfAttributes {

  /** Operation name on metrics and spans ({@code perftrace.operation.name}). */
  public static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("perftrace.operation.name");
  /** Operation outcome: {@code success}, {@code error} or {@code cancelled}. */
  public static final AttributeKey<String> OPERATION_OUTCOME =
      AttributeKey.stringKey("perftrace.operation.outcome");
  /** Fully qualified class name of the failure (semantic convention {@code error.type}). */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  /** Transfer direction: {@code receive} or {@code transmit} (semantic convention). */
  public static final AttributeKey<String> NETWORK_IO_DIRECTION =
      AttributeKey.stringKey("network.io.direction");
  /** Transfer source or peer (bounded). */
  public static final AttributeKey<String> TRANSFER_SOURCE =
      AttributeKey.stringKey("perftrace.transfer.source");
  /** Cache name (bounded). */
  public static final AttributeKey<String> CACHE_NAME =
      AttributeKey.stringKey("perftrace.cache.name");
  /** Cache tier name. */
  public static final AttributeKey<String> CACHE_TIER =
      AttributeKey.stringKey("perftrace.cache.tier");
  /** Cache tier result: {@code hit} or {@code miss}. */
  public static final AttributeKey<String> CACHE_RESULT =
      AttributeKey.stringKey("perftrace.cache.result");
  /** Tier that served a lookup, or {@code none}. */
  public static final AttributeKey<String> CACHE_SERVED_BY =
      AttributeKey.stringKey("perftrace.cache.served_by");
  /** Reason a record was rejected or sanitized. */
  public static final AttributeKey<String> REASON = AttributeKey.stringKey("perftrace.reason");

  /** Span attribute and baggage key carrying the correlation ID (never a metric attribute). */
  public static final AttributeKey<String> CORRELATION_ID =
      AttributeKey.stringKey("perftrace.correlation_id");
  /** Span attribute: bytes received during the operation. */
  public static final AttributeKey<Long> BYTES_RECEIVED =
      AttributeKey.longKey("perftrace.bytes.received");
  /** Span attribute: bytes sent during the operation. */
  public static final AttributeKey<Long> BYTES_SENT = AttributeKey.longKey("perftrace.bytes.sent");
  /** Span attribute: cache tier hits during the operation. */
  public static final AttributeKey<Long> CACHE_HITS = AttributeKey.longKey("perftrace.cache.hits");
  /** Span attribute: cache tier misses during the operation. */
  public static final AttributeKey<Long> CACHE_MISSES =
      AttributeKey.longKey("perftrace.cache.misses");

  /** Baggage key for the correlation ID (same string as {@link #CORRELATION_ID}). */
  public static final String CORRELATION_BAGGAGE_KEY = "perftrace.correlation_id";
  /** Value that names beyond a cardinality bound fold into. */
  public static final String OVERFLOW_VALUE = "_overflow";

  /**
   * The {@code error.type} value that error types beyond the bound fold into, and that a blank
   * {@link Operation#failWithType(String)} type becomes (semantic conventions' {@code _OTHER}).
   */
  public static final String ERROR_TYPE_OTHER = "_OTHER";

  private PerfAttributes() {}
}
