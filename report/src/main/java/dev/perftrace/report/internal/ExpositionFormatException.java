package dev.perftrace.report.internal;

/**
 * Thrown when an exposition is not valid Prometheus text 0.0.4 or OpenMetrics; the message names
 * the line.
 *
 * <p>Thread safety: immutable.
 */
public final class ExpositionFormatException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final int line;

  ExpositionFormatException(int line, String message) {
    super("exposition line " + line + ": " + message);
    this.line = line;
  }

  /** A protobuf exposition that cannot be parsed; {@link #line()} is the 1-based message. */
  ExpositionFormatException(String message, Throwable cause) {
    super("protobuf exposition: " + message, cause);
    this.line = 0;
  }

  /** Returns the 1-based number of the offending line. */
  public int line() {
    return line;
  }
}
