package dev.perftrace.exporter.otlp;

/**
 * The telemetry signal an exporter carries; its {@link #attributeValue()} is the {@code
 * perftrace.exporter.signal} attribute of the exporter self-metrics.
 *
 * <p>Thread safety: an immutable enum.
 */
public enum Signal {
  /** Spans. */
  TRACES("traces"),
  /** Metrics. */
  METRICS("metrics");

  private final String attributeValue;

  Signal(String attributeValue) {
    this.attributeValue = attributeValue;
  }

  /** Returns {@code traces} or {@code metrics}. */
  public String attributeValue() {
    return attributeValue;
  }
}
