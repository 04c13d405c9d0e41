package dev.perftrace.internal;

import dev.perftrace.PerfAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every PerfTrace tracer of one instrumentation scope (name and version) on one {@link
 * OpenTelemetry} instance shares: the instruments, the bounded name registries, the series of the
 * observable counters and the series budget of {@code perftrace.operation.duration}. So the
 * cardinality bounds hold per instrument and scope however many tracers are built. The bounds are
 * those of the first tracer built for the scope; a later tracer asking for other bounds gets the
 * first's (logged once). Internal: not API.
 *
 * <p>Thread safety: safe for concurrent use.
 */
final class ScopeTelemetry {
  /**
   * Scopes by OpenTelemetry instance (weakly, so a dropped SDK takes its scopes along) and by
   * scope name and version.
   */
  private static final Map<OpenTelemetry, Map<String, ScopeTelemetry>> SHARED =
      new WeakHashMap<>();

  /** Duration attribute sets reserved for folding: one per outcome, outside the budget. */
  static final int DURATION_FOLD_SETS = 3;

  final TracerConfig config;
  final Attributes durationFoldSuccess;
  final Attributes durationFoldCancelled;
  final Attributes durationFoldError;
  final Instruments instruments;
  final Rejections rejections;
  final Names names;
  final SeriesBudget durationSeries;
  final BoundedRegistry<OperationDescriptor> operations;
  final BoundedRegistry<SourceDescriptor> sources;
  final BoundedRegistry<String> cacheNames;
  final BoundedRegistry<String> cacheTiers;
  final BoundedRegistry<String> errorTypes;
  /** Value registries of declared metric attributes, by key (the first declaration's bound). */
  private final ConcurrentHashMap<String, BoundedRegistry<String>> metricValues =
      new ConcurrentHashMap<>();
  /** {@code perftrace.cache.requests} series; bounded by caches × tiers × results. */
  private final ConcurrentHashMap<Attributes, Series> cacheRequests = new ConcurrentHashMap<>();
  /** {@code perftrace.cache.lookups} series; bounded by caches × (tiers + 1). */
  private final ConcurrentHashMap<Attributes, Series> cacheLookups = new ConcurrentHashMap<>();
  private final AtomicBoolean mismatchLogged = new AtomicBoolean();

  /** Returns the shared telemetry of {@code config}'s scope on {@code openTelemetry}. */
  static ScopeTelemetry of(OpenTelemetry openTelemetry, TracerConfig config) {
    String key = config.scopeName() + '\u0000' + Objects.toString(config.scopeVersion(), "");
    ScopeTelemetry scope;
    synchronized (SHARED) {
      Map<String, ScopeTelemetry> scopes =
          SHARED.computeIfAbsent(openTelemetry, o -> new ConcurrentHashMap<>());
      scope = scopes.get(key);
      if (scope == null) {
        scope = new ScopeTelemetry(openTelemetry, config);
        scopes.put(key, scope);
        return scope;
      }
    }
    scope.checkBounds(config);
    return scope;
  }

  private ScopeTelemetry(OpenTelemetry openTelemetry, TracerConfig config) {
    this.config = config;
    String overflow = PerfAttributes.OVERFLOW_VALUE;
    durationFoldSuccess = OperationDescriptor.outcome(overflow, OperationDescriptor.SUCCESS);
    durationFoldCancelled = OperationDescriptor.outcome(overflow, OperationDescriptor.CANCELLED);
    durationFoldError = OperationDescriptor.error(overflow, PerfAttributes.ERROR_TYPE_OTHER);
    instruments = new Instruments(openTelemetry, config, this);
    rejections = new Rejections(instruments.rejected, config.scopeName());
    names = new Names(config.maxNameLength(), rejections);
    durationSeries =
        new SeriesBudget(
            config.maxSeriesPerInstrument() - DURATION_FOLD_SETS,
            "perftrace.operation.duration",
            rejections);
    operations =
        new BoundedRegistry<>(
            config.maxOperations(),
            name -> new OperationDescriptor(this, name),
            names,
            rejections,
            "operation name");
    sources =
        new BoundedRegistry<>(
            config.maxSources(), SourceDescriptor::new, names, rejections, "transfer source");
    cacheNames =
        new BoundedRegistry<>(config.maxCaches(), n -> n, names, rejections, "cache name");
    cacheTiers =
        new BoundedRegistry<>(config.maxCacheTiers(), n -> n, names, rejections, "cache tier");
    errorTypes =
        new BoundedRegistry<>(
            config.maxErrorTypes(),
            // overflow is the semantic conventions' _OTHER, not _overflow
            n -> PerfAttributes.OVERFLOW_VALUE.equals(n) ? PerfAttributes.ERROR_TYPE_OTHER : n,
            names,
            rejections,
            "error type");
  }

  /** Logs once when a later tracer of this scope asked for other bounds than the first. */
  private void checkBounds(TracerConfig other) {
    if (!bounds(config).equals(bounds(other)) && mismatchLogged.compareAndSet(false, true)) {
      Rejections.LOGGER.log(
          Level.WARNING,
          "PerfTrace: another tracer of scope ''{0}'' asked for other cardinality bounds, name"
              + " length or buckets ({1}); bounds hold per instrument and scope, so every tracer of"
              + " the scope uses those of the first ({2}).",
          config.scopeName(),
          bounds(other),
          bounds(config));
    }
  }

  private static List<Object> bounds(TracerConfig c) {
    return List.of(
        c.maxOperations(),
        c.maxSources(),
        c.maxCaches(),
        c.maxCacheTiers(),
        c.maxErrorTypes(),
        c.maxNameLength(),
        c.maxSeriesPerInstrument(),
        c.durationBuckets(),
        c.cacheTierBuckets(),
        c.sizeBuckets());
  }

  /** The value registry of a declared metric attribute key (created at the first declaration). */
  BoundedRegistry<String> metricValues(String key, int maxValues) {
    return metricValues.computeIfAbsent(
        key, k -> new BoundedRegistry<>(maxValues, n -> n, names, rejections, "value of " + k));
  }

  Series cacheRequests(Attributes attributes) {
    return cacheRequests.computeIfAbsent(attributes, Series::new);
  }

  Series cacheLookups(Attributes attributes) {
    return cacheLookups.computeIfAbsent(attributes, Series::new);
  }

  // ---- observable callbacks (run at collection; fields may still be null while constructing) --

  void observeActive(ObservableLongMeasurement measurement) {
    BoundedRegistry<OperationDescriptor> registry = operations;
    if (registry != null) {
      registry.forEach(descriptor -> descriptor.active.observe(measurement));
    }
  }

  void observeTransfers(ObservableLongMeasurement measurement) {
    BoundedRegistry<SourceDescriptor> registry = sources;
    if (registry != null) {
      registry.forEach(source -> source.observe(measurement));
    }
  }

  void observeCacheRequests(ObservableLongMeasurement measurement) {
    for (Series series : cacheRequests.values()) {
      series.observe(measurement);
    }
  }

  void observeCacheLookups(ObservableLongMeasurement measurement) {
    for (Series series : cacheLookups.values()) {
      series.observe(measurement);
    }
  }
}
