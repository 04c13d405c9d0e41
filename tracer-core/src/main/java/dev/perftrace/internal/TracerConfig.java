package dev.perftrace.internal;

import dev.perftrace.Ticker;
import java.util.List;

/**
 * Validated, immutable tracer settings. Internal: not API.
 *
 * @param scopeVersion may be null
 * @param errorClassifier true when a thrown exception is a failure (default: always)
 */
public record TracerConfig(
    String scopeName,
    String scopeVersion,
    int maxOperations,
    int maxSources,
    int maxCaches,
    int maxErrorTypes,
    int maxNameLength,
    List<Double> durationBuckets,
    List<Double> cacheTierBuckets,
    List<Long> sizeBuckets,
    Ticker ticker,
    boolean mdcEnabled,
    String mdcKey,
    java.util.function.Predicate<? super Throwable> errorClassifier) {}
