package dev.perftrace;

import static java.util.Objects.requireNonNull;

import dev.perftrace.internal.DefaultPerfTracer;
import dev.perftrace.internal.TracerConfig;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a {@link PerfTracer}. Every setter validates its argument at once and throws {@link
 * IllegalArgumentException} or {@link NullPointerException} with a message naming the parameter.
 *
 * <p>Thread safety: not thread-safe; configure on one thread, then call {@link #build()}. The
 * built tracer is thread-safe.
 */
public final class PerfTracerBuilder {

  /**
   * Default bound on distinct operation names per instrumentation scope (shared by every tracer
   * of the scope on one OpenTelemetry instance).
   */
  public static final int DEFAULT_MAX_OPERATIONS = 1000;
  /** Default bound on distinct transfer sources per scope. */
  public static final int DEFAULT_MAX_SOURCES = 100;
  /** Default bound on distinct cache names per scope. */
  public static final int DEFAULT_MAX_CACHES = 50;
  /** Default bound on distinct cache tier names per scope (over all its caches). */
  public static final int DEFAULT_MAX_CACHE_TIERS = 16;
  /** Default bound on distinct {@code error.type} values per scope. */
  public static final int DEFAULT_MAX_ERROR_TYPES = 100;
  /**
   * Default bound on the attribute sets (series) of any one PerfTrace instrument per scope:
   * 1900, under OpenTelemetry's default cardinality limit of 2000 (whose SDK keeps 1999 sets
   * before folding into {@code otel.metric.overflow}), so with default settings the SDK never
   * folds a PerfTrace point.
   */
  public static final int DEFAULT_MAX_SERIES_PER_INSTRUMENT = 1900;
  /** Default bound on the distinct values of one declared metric attribute. */
  public static final int DEFAULT_MAX_METRIC_ATTRIBUTE_VALUES = 10;
  /** At most this many metric attributes can be declared. */
  public static final int MAX_METRIC_ATTRIBUTES = 8;
  /** Default maximum length of a name; longer names are truncated. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 128;
  /** Default MDC key under which the correlation ID is put when SLF4J is present. */
  public static final String DEFAULT_MDC_KEY = "correlation_id";

  /**
   * Default operation-duration bucket boundaries, in seconds: five per decade (the R5 series 1,
   * 1.6, 2.5, 4, 6.3) from 1 µs to 10 s, then 16, 25, 40 and 60 s (40 boundaries, 41 buckets).
   * Adjacent boundaries differ by at most a factor of 1.6, which keeps Prometheus {@code
   * histogram_quantile} within 25 % of the exact p50 to p99.9 of the distributions in {@code
   * docs/telemetry.md}.
   */
  public static final List<Double> DEFAULT_DURATION_BUCKETS =
      List.of(
          1e-6, 1.6e-6, 2.5e-6, 4e-6, 6.3e-6, 1e-5, 1.6e-5, 2.5e-5, 4e-5, 6.3e-5, 1e-4, 1.6e-4,
          2.5e-4, 4e-4, 6.3e-4, 1e-3, 1.6e-3, 2.5e-3, 4e-3, 6.3e-3, 0.01, 0.016, 0.025, 0.04, 0.063,
          0.1, 0.16, 0.25, 0.4, 0.63, 1.0, 1.6, 2.5, 4.0, 6.3, 10.0, 16.0, 25.0, 40.0, 60.0);

  /**
   * Default cache-tier lookup bucket boundaries, in seconds: five per decade (1, 1.6, 2.5, 4,
   * 6.3) from 100 ns to 10 s (41 boundaries, 42 buckets), since a memory tier answers in well
   * under a microsecond.
   */
  public static final List<Double> DEFAULT_CACHE_TIER_BUCKETS =
      List.of(
          1e-7, 1.6e-7, 2.5e-7, 4e-7, 6.3e-7, 1e-6, 1.6e-6, 2.5e-6, 4e-6, 6.3e-6, 1e-5, 1.6e-5,
          2.5e-5, 4e-5, 6.3e-5, 1e-4, 1.6e-4, 2.5e-4, 4e-4, 6.3e-4, 1e-3, 1.6e-3, 2.5e-3, 4e-3,
          6.3e-3, 0.01, 0.016, 0.025, 0.04, 0.063, 0.1, 0.16, 0.25, 0.4, 0.63, 1.0, 1.6, 2.5, 4.0,
          6.3, 10.0);

  /** Default transfer-size histogram bucket boundaries, in bytes (powers of four from 64 B). */
  public static final List<Long> DEFAULT_SIZE_BUCKETS =
      List.of(
          64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L, 16777216L,
          67108864L);

  private final OpenTelemetry openTelemetry;
  private final String scopeName;
  private String scopeVersion;
  private int maxOperations = DEFAULT_MAX_OPERATIONS;
  private int maxSources = DEFAULT_MAX_SOURCES;
  private int maxCaches = DEFAULT_MAX_CACHES;
  private int maxErrorTypes = DEFAULT_MAX_ERROR_TYPES;
  private int maxCacheTiers = DEFAULT_MAX_CACHE_TIERS;
  private int maxSeriesPerInstrument = DEFAULT_MAX_SERIES_PER_INSTRUMENT;
  private final java.util.LinkedHashMap<String, Integer> metricAttributes =
      new java.util.LinkedHashMap<>();
  private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
  private List<Double> durationBuckets = DEFAULT_DURATION_BUCKETS;
  private List<Double> cacheTierBuckets = DEFAULT_CACHE_TIER_BUCKETS;
  private List<Long> sizeBuckets = DEFAULT_SIZE_BUCKETS;
  private Ticker ticker = Ticker.system();
  private java.util.function.Predicate<? super Throwable> errorClassifier = error -> true;
  private boolean mdcEnabled = true;
  private String mdcKey = DEFAULT_MDC_KEY;

  PerfTracerBuilder(OpenTelemetry openTelemetry, String instrumentationScopeName) {
    this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
    requireNonNull(instrumentationScopeName, "instrumentationScopeName");
    if (instrumentationScopeName.isBlank()) {
      throw new IllegalArgumentException("instrumentationScopeName must not be blank");
    }
    this.scopeName = instrumentationScopeName;
  }

  /** Sets the instrumentation scope version reported with spans and metrics. */
  public PerfTracerBuilder setInstrumentationVersion(String version) {
    this.scopeVersion = requireNonNull(version, "version");
    return this;
  }

  /** Sets the bound on distinct operation names; further names fold into {@code _overflow}. */
  public PerfTracerBuilder setMaxOperations(int maxOperations) {
    this.maxOperations = positive(maxOperations, "maxOperations");
    return this;
  }

  /** Sets the bound on distinct transfer sources; further sources fold into {@code _overflow}. */
  public PerfTracerBuilder setMaxSources(int maxSources) {
    this.maxSources = positive(maxSources, "maxSources");
    return this;
  }

  /** Sets the bound on distinct cache names; further names fold into {@code _overflow}. */
  public PerfTracerBuilder setMaxCaches(int maxCaches) {
    this.maxCaches = positive(maxCaches, "maxCaches");
    return this;
  }

  /** Sets the bound on distinct {@code error.type} values; further fold into {@code _overflow}. */
  public PerfTracerBuilder setMaxErrorTypes(int maxErrorTypes) {
    this.maxErrorTypes = positive(maxErrorTypes, "maxErrorTypes");
    return this;
  }

  /**
   * Sets the bound on distinct cache tier names per scope (over all caches); further tiers fold
   * into {@code _overflow} on the cache metrics.
   */
  public PerfTracerBuilder setMaxCacheTiers(int maxCacheTiers) {
    this.maxCacheTiers = positive(maxCacheTiers, "maxCacheTiers");
    return this;
  }

  /**
   * Sets the bound on the attribute sets of any one PerfTrace instrument per scope (at least
   * 10). {@code perftrace.operation.duration} folds combinations beyond it into {@code
   * perftrace.operation.name=_overflow} with the outcome kept ({@code error.type=_OTHER} for
   * errors, no declared metric attributes); for the other instruments {@link #build()} checks
   * that the product of their attribute bounds fits.
   */
  public PerfTracerBuilder setMaxSeriesPerInstrument(int maxSeriesPerInstrument) {
    if (maxSeriesPerInstrument < 10) {
      throw new IllegalArgumentException(
          "maxSeriesPerInstrument must be at least 10, was " + maxSeriesPerInstrument);
    }
    this.maxSeriesPerInstrument = maxSeriesPerInstrument;
    return this;
  }

  /**
   * Declares a low-cardinality metric attribute (a tenant tier, an HTTP method, a region) that
   * operations may set with {@link Operation#setMetricAttribute} or {@link
   * OperationBuilder#setMetricAttribute}; it goes on {@code perftrace.operation.duration} and the
   * span. At most {@code maxValues} distinct values per scope are kept; further values fold into
   * {@code _overflow}. Keys PerfTrace itself uses are refused: the correlation ID and every other
   * {@link PerfAttributes} key, {@code error.type}, {@code code.function.name}, and any key
   * starting with {@code perftrace.} or {@code otel.}. At most {@value #MAX_METRIC_ATTRIBUTES}
   * keys.
   *
   * @throws IllegalArgumentException naming {@code metricAttributeKey} or {@code maxValues}
   */
  public PerfTracerBuilder addMetricAttribute(String metricAttributeKey, int maxValues) {
    requireNonNull(metricAttributeKey, "metricAttributeKey");
    String key = metricAttributeKey;
    if (key.isBlank() || !key.equals(key.strip())) {
      throw new IllegalArgumentException(
          "metricAttributeKey must not be blank or have surrounding spaces, was '" + key + "'");
    }
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        throw new IllegalArgumentException(
            "metricAttributeKey must not contain control characters");
      }
    }
    if (RESERVED_KEYS.contains(key) || key.startsWith("perftrace.") || key.startsWith("otel.")) {
      throw new IllegalArgumentException(
          "metricAttributeKey '"
              + key
              + "' is reserved: PerfTrace itself uses it (the correlation ID never becomes a"
              + " metric attribute)");
    }
    if (metricAttributes.containsKey(key)) {
      throw new IllegalArgumentException("metricAttributeKey '" + key + "' is declared twice");
    }
    if (metricAttributes.size() == MAX_METRIC_ATTRIBUTES) {
      throw new IllegalArgumentException(
          "metricAttributeKey '" + key + "': at most " + MAX_METRIC_ATTRIBUTES + " keys");
    }
    metricAttributes.put(key, positive(maxValues, "maxValues"));
    return this;
  }

  private static final java.util.Set<String> RESERVED_KEYS =
      java.util.Set.of(
          PerfAttributes.OPERATION_NAME.getKey(),
          PerfAttributes.OPERATION_OUTCOME.getKey(),
          PerfAttributes.ERROR_TYPE.getKey(),
          PerfAttributes.NETWORK_IO_DIRECTION.getKey(),
          PerfAttributes.TRANSFER_SOURCE.getKey(),
          PerfAttributes.CACHE_NAME.getKey(),
          PerfAttributes.CACHE_TIER.getKey(),
          PerfAttributes.CACHE_RESULT.getKey(),
          PerfAttributes.CACHE_SERVED_BY.getKey(),
          PerfAttributes.REASON.getKey(),
          PerfAttributes.CORRELATION_ID.getKey(),
          PerfAttributes.BYTES_RECEIVED.getKey(),
          PerfAttributes.BYTES_SENT.getKey(),
          PerfAttributes.CACHE_HITS.getKey(),
          PerfAttributes.CACHE_MISSES.getKey(),
          "code.function.name");

  /** Sets the maximum length of operation, source, cache and tier names (8 to 1024). */
  public PerfTracerBuilder setMaxNameLength(int maxNameLength) {
    if (maxNameLength < 8 || maxNameLength > 1024) {
      throw new IllegalArgumentException(
          "maxNameLength must be between 8 and 1024, was " + maxNameLength);
    }
    this.maxNameLength = maxNameLength;
    return this;
  }

  /**
   * Sets the operation-duration histogram's bucket boundaries in seconds (advice to the SDK;
   * strictly increasing, finite, positive).
   */
  public PerfTracerBuilder setDurationBuckets(List<Double> boundariesSeconds) {
    this.durationBuckets = secondsBoundaries(boundariesSeconds, "boundariesSeconds");
    return this;
  }

  /**
   * Sets the cache-tier latency histogram's bucket boundaries in seconds (advice to the SDK;
   * strictly increasing, finite, positive).
   */
  public PerfTracerBuilder setCacheTierBuckets(List<Double> boundariesSeconds) {
    this.cacheTierBuckets = secondsBoundaries(boundariesSeconds, "boundariesSeconds");
    return this;
  }

  private static List<Double> secondsBoundaries(List<Double> boundaries, String name) {
    requireNonNull(boundaries, name);
    List<Double> copy = new ArrayList<>(boundaries);
    double previous = 0;
    for (int i = 0; i < copy.size(); i++) {
      Double b = requireNonNull(copy.get(i), name + "[" + i + "]");
      if (!(b > previous) || b.isInfinite()) {
        throw new IllegalArgumentException(
            name + " must be finite, positive and strictly increasing; element " + i + " is " + b);
      }
      previous = b;
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return List.copyOf(copy);
  }

  /** Sets the transfer-size histogram's bucket boundaries in bytes (strictly increasing). */
  public PerfTracerBuilder setSizeBuckets(List<Long> boundariesBytes) {
    requireNonNull(boundariesBytes, "boundariesBytes");
    List<Long> copy = new ArrayList<>(boundariesBytes);
    long previous = 0;
    for (int i = 0; i < copy.size(); i++) {
      Long b = requireNonNull(copy.get(i), "boundariesBytes[" + i + "]");
      if (b <= previous) {
        throw new IllegalArgumentException(
            "boundariesBytes must be positive and strictly increasing; element " + i + " is " + b);
      }
      previous = b;
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("boundariesBytes must not be empty");
    }
    this.sizeBuckets = List.copyOf(copy);
    return this;
  }

  /** Sets the monotonic time source for durations (tests inject a fake). */
  public PerfTracerBuilder setTicker(Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Sets which exceptions count as failures (default: every one). An exception for which {@code
   * isError} returns false (a {@code NotFoundException} answered as a normal 404, say) ends the
   * operation as {@code success}: no error status, no exception event, no {@code error.type};
   * it is still rethrown unchanged. Applied to the unwrapped cause, for thrown exceptions and
   * {@link Operation#fail(Throwable)} alike, never to cancellations. A classifier that throws
   * counts the exception as a failure. It must be fast and thread-safe.
   */
  public PerfTracerBuilder setErrorClassifier(java.util.function.Predicate<? super Throwable> isError) {
    this.errorClassifier = requireNonNull(isError, "isError");
    return this;
  }

  /** Enables or disables putting the correlation ID into the SLF4J MDC (default enabled). */
  public PerfTracerBuilder setMdcEnabled(boolean mdcEnabled) {
    this.mdcEnabled = mdcEnabled;
    return this;
  }

  /** Sets the MDC key for the correlation ID (default {@value #DEFAULT_MDC_KEY}). */
  public PerfTracerBuilder setMdcKey(String mdcKey) {
    requireNonNull(mdcKey, "mdcKey");
    if (mdcKey.isBlank()) {
      throw new IllegalArgumentException("mdcKey must not be blank");
    }
    this.mdcKey = mdcKey;
    return this;
  }

  /**
   * Builds the tracer. Checks that the worst case of every instrument whose attributes are all
   * bounded (the product of the bounds, each with its {@code _overflow} value) fits in {@code
   * maxSeriesPerInstrument}, and throws {@link IllegalArgumentException} naming the bound that
   * does not.
   */
  public PerfTracer build() {
    long max = maxSeriesPerInstrument;
    requireFits("maxOperations", maxOperations + 1L, "perftrace.operation.active", max);
    requireFits("maxSources", 2L * (maxSources + 1L), "perftrace.transfer.io and .size", max);
    requireFits(
        "maxCaches and maxCacheTiers",
        2L * (maxCaches + 1L) * (maxCacheTiers + 1L),
        "perftrace.cache.requests and .tier.duration",
        max);
    requireFits(
        "maxCaches and maxCacheTiers",
        (maxCaches + 1L) * (maxCacheTiers + 2L),
        "perftrace.cache.lookups",
        max);
    List<TracerConfig.MetricAttribute> declared = new ArrayList<>();
    metricAttributes.forEach((k, v) -> declared.add(new TracerConfig.MetricAttribute(k, v)));
    return new DefaultPerfTracer(
        openTelemetry,
        new TracerConfig(
            scopeName,
            scopeVersion,
            maxOperations,
            maxSources,
            maxCaches,
            maxErrorTypes,
            maxCacheTiers,
            maxSeriesPerInstrument,
            maxNameLength,
            durationBuckets,
            cacheTierBuckets,
            sizeBuckets,
            ticker,
            mdcEnabled,
            mdcKey,
            errorClassifier,
            List.copyOf(declared)));
  }

  private static void requireFits(String bounds, long worstCase, String instrument, long max) {
    if (worstCase > max) {
      throw new IllegalArgumentException(
          bounds
              + " allow "
              + worstCase
              + " attribute sets on "
              + instrument
              + ", more than maxSeriesPerInstrument ("
              + max
              + "); lower them or raise maxSeriesPerInstrument");
    }
  }

  private static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }
}
