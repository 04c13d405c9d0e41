package dev.perftrace.internal;

import io.opentelemetry.api.metrics.LongCounter;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts rejected or sanitized records on {@code perftrace.telemetry.rejected} and logs each
 * reason once per tracer. Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class Rejections {
  static final System.Logger LOGGER = System.getLogger("dev.perftrace");

  private final LongCounter counter;
  private final String scopeName;
  private final AtomicReferenceArray<Boolean> logged =
      new AtomicReferenceArray<>(Reason.values().length);
  private final AtomicBoolean internalLogged = new AtomicBoolean();

  Rejections(LongCounter counter, String scopeName) {
    this.counter = counter;
    this.scopeName = scopeName;
    // Every reason starts at 0, so its series exists from the first collection: alert rules
    // and increase() see a zero rather than no data.
    for (Reason reason : Reason.values()) {
      counter.add(0, reason.attributes());
    }
  }

  /** Counts one rejection; logs the first of each reason. Never throws. */
  void reject(Reason reason, String detail) {
    try {
      counter.add(1, reason.attributes());
      if (logged.get(reason.ordinal()) == null
          && logged.compareAndSet(reason.ordinal(), null, Boolean.TRUE)) {
        LOGGER.log(
            Level.WARNING,
            "PerfTrace tracer ''{0}'' rejected a record ({1}): {2}. Further records rejected for"
                + " this reason are counted on perftrace.telemetry.rejected and not logged.",
            scopeName,
            reason.value(),
            printable(detail));
      }
    } catch (RuntimeException e) {
      internalError(e);
    }
  }

  /**
   * Makes a detail safe to log: details may quote caller input, so control characters (log
   * injection) are replaced and the length is capped.
   */
  static String printable(String detail) {
    if (detail == null) {
      return "";
    }
    String capped = detail.length() > 200 ? detail.substring(0, 200) + "..." : detail;
    StringBuilder out = new StringBuilder(capped.length());
    for (int i = 0; i < capped.length(); i++) {
      char c = capped.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return out.toString();
  }

  /** Logs an unexpected internal failure once; recording goes on. */
  void internalError(Throwable error) {
    if (internalLogged.compareAndSet(false, true)) {
      try {
        LOGGER.log(
            Level.WARNING,
            "PerfTrace tracer '" + scopeName + "' caught an internal error; logged once",
            error);
      } catch (RuntimeException ignored) {
        // a broken logger must not harm the caller either
      }
    }
  }
}
