package dev.perftrace.internal;

import dev.perftrace.Ticker;
import java.util.List;

/**
 * Validated, immutable tracer settings. Internal: not API.
 *
 * @param scopeVersion may be null
 * @param errorClassifier true when a thrown exception is a failure (default: always)
 * @param metricAttributes declared low-cardinality metric attribute keys, in declaration order
 */
public record TracerConfig(
    String scopeName,
    String scopeVersion,
    int maxOperations,
    int maxSources,
    int maxCaches,
    int maxErrorTypes,
    int maxCacheTiers,
    int maxSeriesPerInstrument,
    int maxNameLength,
    List<Double> durationBuckets,
    List<Double> cacheTierBuckets,
    List<Long> sizeBuckets,
    Ticker ticker,
    boolean mdcEnabled,
    String mdcKey,
    java.util.function.Predicate<? super Throwable> errorClassifier,
    List<TracerConfig.MetricAttribute> metricAttributes) {

  /**
   * A declared metric attribute. Immutable.
   *
   * @param key the attribute key
   * @param maxValues bound on its distinct values per scope
   */
  public record MetricAttribute(String key, int maxValues) {}
}
