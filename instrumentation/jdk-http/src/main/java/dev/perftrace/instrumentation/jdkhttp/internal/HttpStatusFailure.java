package dev.perftrace.instrumentation.jdkhttp.internal;

/**
 * Stands for a failing HTTP status where only a {@link Throwable} can carry the failure: {@code
 * PerfTracer.recordDuration} when the instrumentation steps aside for the OpenTelemetry Java
 * agent (its {@code error.type} is this class's name). Never thrown. Internal: not API.
 *
 * <p>Thread safety: immutable; one shared instance, no stack trace.
 */
public final class HttpStatusFailure extends Exception {
  private static final long serialVersionUID = 1L;

  /** The shared instance. */
  public static final HttpStatusFailure INSTANCE = new HttpStatusFailure();

  private HttpStatusFailure() {
    super("failing HTTP status", null, false, false);
  }
}
