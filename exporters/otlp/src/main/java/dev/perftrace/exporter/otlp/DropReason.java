package dev.perftrace.exporter.otlp;

/**
 * Why exported items were dropped; its {@link #attributeValue()} is the {@code perftrace.reason}
 * attribute of {@code perftrace.exporter.dropped}.
 *
 * <p>Thread safety: an immutable enum.
 */
public enum DropReason {
  /** The batch span processor's bounded queue was full when a span ended. */
  QUEUE_FULL("queue_full"),
  /** The export was rejected or failed (connection refused, UNAVAILABLE, HTTP 5xx...). */
  EXPORT_FAILED("export_failed"),
  /** The circuit breaker was open: the batch was dropped without calling the endpoint. */
  CIRCUIT_OPEN("circuit_open"),
  /** The export did not complete within its timeout. */
  TIMEOUT("timeout");

  private final String attributeValue;

  DropReason(String attributeValue) {
    this.attributeValue = attributeValue;
  }

  /** Returns the {@code perftrace.reason} value, for example {@code circuit_open}. */
  public String attributeValue() {
    return attributeValue;
  }
}
