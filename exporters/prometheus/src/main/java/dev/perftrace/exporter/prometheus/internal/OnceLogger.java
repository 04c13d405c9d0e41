package dev.perftrace.exporter.prometheus.internal;

import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts each {@link Reason} and logs it at most once per instance, through {@link System.Logger}. Not API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
public final class OnceLogger {

  /** Why the exporter degraded. */
  public enum Reason {
    /** An exponential histogram series had a scale below -4, which native histograms cannot hold. */
    EXPONENTIAL_HISTOGRAM_DROPPED,
    /** Exponential histograms were left out of a text or OpenMetrics scrape (protobuf only). */
    NATIVE_ONLY_IN_PROTOBUF,
    /** A metric with delta temporality was dropped (Prometheus needs cumulative data). */
    DELTA_DROPPED,
    /**
     * Two metrics mapped to the same Prometheus family with different types or units, or the
     * sample names of two families collide ({@code jobs_total} of counter {@code jobs} and gauge
     * {@code jobs.total}); the later family is dropped.
     */
    FAMILY_CONFLICT,
    /** Two series of one family had the same labels (e.g. one metric from two scopes). */
    SERIES_CONFLICT,
    /** An attribute was dropped because its label name is reserved by the exporter. */
    RESERVED_LABEL_DROPPED,
    /** Converting a metric failed; the metric was left out of the scrape. */
    CONVERSION_FAILED,
    /** Collecting from the SDK failed; the scrape was empty. */
    COLLECTION_FAILED,
    /** Stopping the HTTP server failed. */
    SERVER_STOP_FAILED
  }

  private static final System.Logger LOGGER =
      System.getLogger("dev.perftrace.exporter.prometheus");

  private final Map<Reason, AtomicBoolean> logged = new EnumMap<>(Reason.class);
  private final Map<Reason, AtomicLong> counts = new EnumMap<>(Reason.class);

  /** Creates a logger that has logged nothing yet. */
  public OnceLogger() {
    for (Reason reason : Reason.values()) {
      logged.put(reason, new AtomicBoolean());
      counts.put(reason, new AtomicLong());
    }
  }

  /**
   * Counts one occurrence of {@code reason} and logs {@code message} at WARNING the first time it
   * occurs; later calls only count.
   */
  public void warn(Reason reason, String message, Throwable error) {
    counts.get(reason).incrementAndGet();
    if (logged.get(reason).compareAndSet(false, true)) {
      String text = message + " (reported once per exporter: " + reason + ")";
      if (error == null) {
        LOGGER.log(Level.WARNING, text);
      } else {
        LOGGER.log(Level.WARNING, text, error);
      }
    }
  }

  /** Returns how often {@code reason} occurred (each dropped metric, family or series once). */
  public long count(Reason reason) {
    return counts.get(reason).get();
  }

  /** Returns whether {@code reason} has been logged. */
  public boolean hasLogged(Reason reason) {
    return logged.get(reason).get();
  }
}
