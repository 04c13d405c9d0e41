package dev.perftrace.exporter.prometheus.internal;

import static java.util.Objects.requireNonNull;

import dev.perftrace.exporter.prometheus.internal.OnceLogger.Reason;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.ExemplarData;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongExemplarData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SummaryPointData;
import io.opentelemetry.sdk.metrics.data.ValueAtQuantile;
import io.opentelemetry.sdk.resources.Resource;
import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.exemplars.Exemplar;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts the OpenTelemetry SDK's cumulative {@link MetricData} into simpleclient {@link
 * MetricFamilySamples}. Names, label lists and bucket label values are cached per metric and per
 * series; series and metrics not seen in a collection are evicted at its end, so the caches never
 * outgrow what the SDK holds. Not API.
 *
 * <p>Thread safety: not thread-safe; the caller serializes {@link #convert} calls (the exporter
 * holds a lock while collecting and converting).
 */
public final class MetricConverter {

  /** Label added with the instrumentation scope name. */
  public static final String SCOPE_NAME_LABEL = "otel_scope_name";

  /** Label added with the instrumentation scope version, when the scope has one. */
  public static final String SCOPE_VERSION_LABEL = "otel_scope_version";

  /** Label added with the instrumentation scope schema URL, when the scope has one. */
  public static final String SCOPE_SCHEMA_URL_LABEL = "otel_scope_schema_url";

  /** Prefix of the labels carrying the instrumentation scope's attributes. */
  public static final String SCOPE_ATTRIBUTE_PREFIX = "otel_scope_";

  /** Family name of the resource series ({@code target_info} on the wire). */
  public static final String TARGET_FAMILY = "target";

  private static final String TARGET_INFO = TARGET_FAMILY + "_info";

  private static final int MAX_CACHED_LABEL_NAMES = 10_000;
  private static final String LE = "le";
  private static final String QUANTILE = "quantile";
  private static final String INF = "+Inf";
  private static final String TRACE_ID = "trace_id";
  private static final String SPAN_ID = "span_id";
  private static final int MAX_EXEMPLAR_LABEL_CHARS = 128;

  private final boolean targetInfoEnabled;
  private final boolean scopeLabelsEnabled;
  private final OnceLogger log;

  private final Map<MetricKey, MetricState> metrics = new HashMap<>();
  private final Map<String, String> labelNameCache = new HashMap<>();
  private long epoch;

  private Map<Resource, Sample> targetSamples = new HashMap<>();

  /** Creates a converter. */
  public MetricConverter(boolean targetInfoEnabled, boolean scopeLabelsEnabled, OnceLogger log) {
    this.targetInfoEnabled = targetInfoEnabled;
    this.scopeLabelsEnabled = scopeLabelsEnabled;
    this.log = requireNonNull(log, "log");
  }

  /**
   * Converts one collection. Families are sorted by name; the same family name coming from several
   * instrumentation scopes is merged into one family. Metrics and families that cannot be
   * converted are left out, each under its own guard, counted and logged once per reason; so are
   * families whose names or sample names collide with an earlier family's (in name order, after
   * {@code target_info}) and series whose labels repeat an earlier series of their family.
   */
  public List<MetricFamilySamples> convert(Collection<MetricData> data) {
    return convertAll(data).classic();
  }

  /**
   * Converts one collection for every format: {@link Conversion#classic()} holds the families
   * simpleclient's text writers serve (exponential histograms left out), {@link
   * Conversion#families()} every family in the same order with the exponential histograms as
   * native histograms, for the protobuf exposition. Conflicts are resolved once, so both formats
   * keep and drop the same families and series.
   */
  public Conversion convertAll(Collection<MetricData> data) {
    epoch++;
    TreeMap<String, Family> families = new TreeMap<>();
    Set<Resource> resources = targetInfoEnabled ? new LinkedHashSet<>() : null;
    for (MetricData metric : data) {
      if (resources != null) {
        resources.add(metric.getResource());
      }
      try {
        convertMetric(metric, families);
      } catch (RuntimeException e) {
        rollBack(families);
        log.warn(
            Reason.CONVERSION_FAILED,
            "Could not convert metric '" + metric.getName() + "' to Prometheus; it is left out",
            e);
      }
    }
    journal = null;
    sweep();
    List<MetricFamilySamples> result = new ArrayList<>(families.size() + 1);
    List<Converted> all = new ArrayList<>(families.size() + 1);
    Set<String> claimed = new HashSet<>();
    if (resources != null && !resources.isEmpty()) {
      try {
        MetricFamilySamples target = targetInfo(resources);
        result.add(target);
        all.add(new Converted(target, null, List.of(TARGET_FAMILY, TARGET_INFO)));
        claimed.add(TARGET_FAMILY);
        claimed.add(TARGET_INFO);
      } catch (RuntimeException e) {
        log.warn(Reason.CONVERSION_FAILED, "Could not convert target_info; it is left out", e);
      }
    }
    for (Family family : families.values()) {
      MetricFamilySamples samples;
      NativeFamily nativeFamily;
      try {
        samples = family.first.exponential ? null : family.toSamples();
        nativeFamily = family.first.exponential ? family.toNative() : null;
      } catch (RuntimeException e) {
        log.warn(
            Reason.CONVERSION_FAILED,
            "Could not convert Prometheus family '" + family.first.family + "' (metric '"
                + family.first.otelName + "'); it is left out",
            e);
        continue;
      }
      String clash = firstClaimed(claimed, family.first);
      if (clash != null) {
        log.warn(
            Reason.FAMILY_CONFLICT,
            "Prometheus family '" + family.first.family + "' (metric '" + family.first.otelName
                + "') would repeat the name '" + clash
                + "' of an earlier family; it is left out",
            null);
        continue;
      }
      claimAll(claimed, family.first);
      if (samples != null) {
        result.add(samples);
      }
      all.add(new Converted(samples, nativeFamily, family.first.writtenNames));
    }
    return new Conversion(
        Collections.unmodifiableList(result), Collections.unmodifiableList(all));
  }

  /**
   * One collection converted: the families for simpleclient's text writers, and all families in
   * the same order (exponential histograms as native histograms) for the protobuf exposition.
   */
  public record Conversion(List<MetricFamilySamples> classic, List<Converted> families) {}

  /**
   * One family of a collection: either simpleclient samples or a native histogram family, with
   * the names its samples are written under (for the {@code name[]} filter).
   */
  public record Converted(
      MetricFamilySamples classic, NativeFamily nativeFamily, List<String> writtenNames) {}

  /** An exponential-histogram family as Prometheus native histograms. */
  public record NativeFamily(String name, String help, List<NativePoint> points) {}

  /**
   * One native histogram series: Prometheus bucket indexes (bucket {@code i} holds values in
   * {@code (base^(i-1), base^i]} with {@code base = 2^(2^-schema)}), only non-empty buckets, in
   * increasing index order.
   */
  public record NativePoint(
      List<String> labelNames,
      List<String> labelValues,
      int schema,
      long zeroCount,
      int[] positiveIndexes,
      long[] positiveCounts,
      int[] negativeIndexes,
      long[] negativeCounts,
      double sum,
      long count,
      Exemplar exemplar) {}

  /** The finest schema Prometheus native histograms support. */
  public static final int MAX_NATIVE_SCHEMA = 8;

  /** The coarsest schema Prometheus native histograms support. */
  public static final int MIN_NATIVE_SCHEMA = -4;

  /**
   * Re-indexes OpenTelemetry exponential buckets ({@code offset}, counts; bucket {@code i} holds
   * {@code (base^i, base^(i+1)]} at {@code scale}) to Prometheus native buckets at {@code
   * min(scale, 8)}: Prometheus index = OpenTelemetry index + 1, and at a scale above 8 each
   * {@code 2^(scale-8)} adjacent buckets merge into one (exact: the coarser boundaries are a
   * subset of the finer). Empty buckets are left out. Returns {indexes, counts}.
   */
  static Object[] nativeBuckets(int scale, int offset, List<Long> counts) {
    int shift = Math.max(0, scale - MAX_NATIVE_SCHEMA);
    int n = counts.size();
    int[] indexes = new int[n];
    long[] merged = new long[n];
    int size = 0;
    for (int i = 0; i < n; i++) {
      long count = counts.get(i);
      if (count == 0) {
        continue;
      }
      int index = ((offset + i) >> shift) + 1;
      if (size > 0 && indexes[size - 1] == index) {
        merged[size - 1] += count;
      } else {
        indexes[size] = index;
        merged[size] = count;
        size++;
      }
    }
    return new Object[] {Arrays.copyOf(indexes, size), Arrays.copyOf(merged, size)};
  }

  /** Returns the first name {@code state}'s family would write that is already claimed. */
  private static String firstClaimed(Set<String> claimed, MetricState state) {
    for (String name : state.writtenNames) {
      if (claimed.contains(name)) {
        return name;
      }
    }
    return null;
  }

  private static void claimAll(Set<String> claimed, MetricState state) {
    claimed.addAll(state.writtenNames);
  }

  /** Returns the number of series currently cached (for tests of the eviction). */
  public int cachedSeries() {
    int n = 0;
    for (MetricState state : metrics.values()) {
      n += state.series.size();
    }
    return n;
  }

  private void convertMetric(MetricData metric, Map<String, Family> families) {
    MetricDataType type = metric.getType();
    switch (type) {
      case DOUBLE_GAUGE:
        {
          MetricState state = state(metric, Collector.Type.GAUGE, true);
          Family family = family(families, state);
          if (family != null) {
            for (DoublePointData p : metric.getDoubleGaugeData().getPoints()) {
              Series s = series(state, p.getAttributes());
              if (!admit(family, state, s)) {
                continue;
              }
              family.samples.add(new Sample(state.sampleName, s.names, s.values, p.getValue()));
            }
          }
          return;
        }
      case LONG_GAUGE:
        {
          MetricState state = state(metric, Collector.Type.GAUGE, true);
          Family family = family(families, state);
          if (family != null) {
            for (LongPointData p : metric.getLongGaugeData().getPoints()) {
              Series s = series(state, p.getAttributes());
              if (!admit(family, state, s)) {
                continue;
              }
              family.samples.add(new Sample(state.sampleName, s.names, s.values, p.getValue()));
            }
          }
          return;
        }
      case DOUBLE_SUM:
        {
          var sum = metric.getDoubleSumData();
          if (!cumulative(metric, sum.getAggregationTemporality())) {
            return;
          }
          boolean counter = sum.isMonotonic();
          MetricState state =
              state(metric, counter ? Collector.Type.COUNTER : Collector.Type.GAUGE, false);
          Family family = family(families, state);
          if (family != null) {
            for (DoublePointData p : sum.getPoints()) {
              Series s = series(state, p.getAttributes());
              if (!admit(family, state, s)) {
                continue;
              }
              Exemplar exemplar = counter ? s.retainCounterExemplar(p.getExemplars()) : null;
              family.samples.add(
                  new Sample(state.sampleName, s.names, s.values, p.getValue(), exemplar));
            }
          }
          return;
        }
      case LONG_SUM:
        {
          var sum = metric.getLongSumData();
          if (!cumulative(metric, sum.getAggregationTemporality())) {
            return;
          }
          boolean counter = sum.isMonotonic();
          MetricState state =
              state(metric, counter ? Collector.Type.COUNTER : Collector.Type.GAUGE, false);
          Family family = family(families, state);
          if (family != null) {
            for (LongPointData p : sum.getPoints()) {
              Series s = series(state, p.getAttributes());
              if (!admit(family, state, s)) {
                continue;
              }
              Exemplar exemplar = counter ? s.retainCounterExemplar(p.getExemplars()) : null;
              family.samples.add(
                  new Sample(state.sampleName, s.names, s.values, p.getValue(), exemplar));
            }
          }
          return;
        }
      case HISTOGRAM:
        {
          var histogram = metric.getHistogramData();
          if (!cumulative(metric, histogram.getAggregationTemporality())) {
            return;
          }
          MetricState state = state(metric, Collector.Type.HISTOGRAM, false);
          Family family = family(families, state);
          if (family != null) {
            for (HistogramPointData p : histogram.getPoints()) {
              addHistogramPoint(state, family, p);
            }
          }
          return;
        }
      case SUMMARY:
        {
          MetricState state = state(metric, Collector.Type.SUMMARY, false);
          Family family = family(families, state);
          if (family != null) {
            for (SummaryPointData p : metric.getSummaryData().getPoints()) {
              addSummaryPoint(state, family, p);
            }
          }
          return;
        }
      case EXPONENTIAL_HISTOGRAM:
        {
          var histogram = metric.getExponentialHistogramData();
          if (!cumulative(metric, histogram.getAggregationTemporality())) {
            return;
          }
          MetricState state = state(metric, Collector.Type.HISTOGRAM, false, true);
          Family family = family(families, state);
          if (family != null) {
            for (ExponentialHistogramPointData p : histogram.getPoints()) {
              addExponentialPoint(state, family, p);
            }
          }
          return;
        }
    }
  }

  private boolean cumulative(MetricData metric, AggregationTemporality temporality) {
    if (temporality == AggregationTemporality.CUMULATIVE) {
      return true;
    }
    log.warn(
        Reason.DELTA_DROPPED,
        "Metric '" + metric.getName() + "' has delta temporality and is not exported to Prometheus",
        null);
    return false;
  }

  private void addHistogramPoint(MetricState state, Family family, HistogramPointData p) {
    Series s = series(state, p.getAttributes());
    if (!admit(family, state, s)) {
      return;
    }
    List<Sample> out = family.samples;
    List<Double> boundaries = p.getBoundaries();
    s.ensureBuckets(boundaries);
    List<Long> counts = p.getCounts();
    Exemplar[] exemplars = s.retainBucketExemplars(boundaries, p.getExemplars());
    long cumulative = 0;
    int buckets = counts.size();
    for (int i = 0; i < buckets; i++) {
      cumulative += counts.get(i);
      out.add(
          new Sample(
              state.bucketName,
              s.bucketNames,
              s.bucketValues.get(i),
              cumulative,
              exemplars == null ? null : exemplars[i]));
    }
    out.add(new Sample(state.countName, s.names, s.values, p.getCount()));
    out.add(new Sample(state.sumName, s.names, s.values, p.getSum()));
  }

  private void addExponentialPoint(
      MetricState state, Family family, ExponentialHistogramPointData p) {
    int scale = p.getScale();
    if (scale < MIN_NATIVE_SCHEMA) {
      log.warn(
          Reason.EXPONENTIAL_HISTOGRAM_DROPPED,
          "A series of exponential histogram '" + state.otelName + "' has scale " + scale
              + ", coarser than Prometheus native histograms allow (" + MIN_NATIVE_SCHEMA
              + "); it is left out",
          null);
      return;
    }
    Series s = series(state, p.getAttributes());
    if (!admit(family, state, s)) {
      return;
    }
    ExponentialHistogramBuckets positive = p.getPositiveBuckets();
    ExponentialHistogramBuckets negative = p.getNegativeBuckets();
    Object[] pos = nativeBuckets(scale, positive.getOffset(), positive.getBucketCounts());
    Object[] neg = nativeBuckets(scale, negative.getOffset(), negative.getBucketCounts());
    family.natives.add(
        new NativePoint(
            s.names,
            s.values,
            Math.min(scale, MAX_NATIVE_SCHEMA),
            p.getZeroCount(),
            (int[]) pos[0],
            (long[]) pos[1],
            (int[]) neg[0],
            (long[]) neg[1],
            p.getSum(),
            p.getCount(),
            s.retainCounterExemplar(p.getExemplars())));
  }

  private void addSummaryPoint(MetricState state, Family family, SummaryPointData p) {
    Series s = series(state, p.getAttributes());
    if (!admit(family, state, s)) {
      return;
    }
    List<Sample> out = family.samples;
    List<String> names = append(s.names, QUANTILE);
    for (ValueAtQuantile q : p.getValues()) {
      out.add(
          new Sample(
              state.sampleName,
              names,
              append(s.values, Collector.doubleToGoString(q.getQuantile())),
              q.getValue()));
    }
    out.add(new Sample(state.countName, s.names, s.values, p.getCount()));
    out.add(new Sample(state.sumName, s.names, s.values, p.getSum()));
  }

  /**
   * Returns whether {@code s} is the first series with its labels in {@code family} in this
   * collection; a repeat (one metric from two scopes without scope labels, or attribute keys
   * that sanitize to the same labels) is left out, counted and logged once.
   */
  private boolean admit(Family family, MetricState state, Series s) {
    if (family.seriesKeys.add(s.key)) {
      if (journal != null && journal.family == family) {
        journal.keys.add(s.key);
      }
      return true;
    }
    log.warn(
        Reason.SERIES_CONFLICT,
        "A series of metric '" + state.otelName + "' repeats the labels " + s.key
            + " of another series of Prometheus family '" + state.family + "'; it is left out",
        null);
    return false;
  }

  /** Bucket i holds values in (boundaries[i-1], boundaries[i]]; the last bucket is +Inf. */
  static int bucketIndex(List<Double> boundaries, double value) {
    int n = boundaries.size();
    for (int i = 0; i < n; i++) {
      if (value <= boundaries.get(i)) {
        return i;
      }
    }
    return n;
  }

  /**
   * Formats a bucket boundary for the {@code le} label without an exponent, so label matchers
   * written as in the schema ({@code le="0.0005"}, {@code le="67108864.0"}) find it: Java writes
   * 0.0005 as {@code 5.0E-4}. Values keep at least one decimal, as simpleclient's own histograms
   * write them ({@code 1.0}).
   */
  static String formatBound(double bound) {
    String text = Collector.doubleToGoString(bound);
    if (text.indexOf('E') < 0) {
      return text;
    }
    String plain = new BigDecimal(text).stripTrailingZeros().toPlainString();
    return plain.indexOf('.') < 0 ? plain + ".0" : plain;
  }

  /** Returns the newest exemplar with a valid span context, or null. */
  private static ExemplarData newestValid(List<? extends ExemplarData> exemplars) {
    ExemplarData newest = null;
    for (ExemplarData e : exemplars) {
      if (e.getSpanContext().isValid()
          && (newest == null || newest.getEpochNanos() < e.getEpochNanos())) {
        newest = e;
      }
    }
    return newest;
  }

  private static double value(ExemplarData data) {
    return data instanceof LongExemplarData
        ? ((LongExemplarData) data).getValue()
        : ((DoubleExemplarData) data).getValue();
  }

  /**
   * Builds an exemplar labelled {@code trace_id} and {@code span_id}, followed by the exemplar's
   * filtered attributes (measurement attributes a view kept off the series) with sanitized names,
   * each only while the labels stay within OpenMetrics' 128-character limit.
   */
  private static Exemplar exemplar(double value, ExemplarData data) {
    SpanContext context = data.getSpanContext();
    Long timestamp = data.getEpochNanos() / 1_000_000L;
    Attributes filtered = data.getFilteredAttributes();
    if (filtered.isEmpty()) {
      return new Exemplar(
          value, timestamp, TRACE_ID, context.getTraceId(), SPAN_ID, context.getSpanId());
    }
    List<String> labels = new ArrayList<>(4 + 2 * filtered.size());
    labels.add(TRACE_ID);
    labels.add(context.getTraceId());
    labels.add(SPAN_ID);
    labels.add(context.getSpanId());
    int[] length = {TRACE_ID.length() + 32 + SPAN_ID.length() + 16};
    filtered.forEach(
        (key, attributeValue) -> {
          String name = PrometheusNames.labelName(key.getKey());
          String text = valueString(attributeValue);
          if (name.isEmpty() || labels.contains(name)) {
            return;
          }
          int added = name.length() + text.length();
          if (length[0] + added <= MAX_EXEMPLAR_LABEL_CHARS) {
            labels.add(name);
            labels.add(text);
            length[0] += added;
          }
        });
    return new Exemplar(value, timestamp, labels.toArray(new String[0]));
  }

  /**
   * What the metric being converted added to its family, so that a metric failing half-way is
   * left out whole: no partial samples, no series keys claimed, no empty family header. Only
   * {@link #convertAll} (one collection at a time) uses it.
   */
  private static final class Journal {
    final Family family;
    final boolean created;
    final int samples;
    final int natives;
    final List<SeriesKey> keys = new ArrayList<>();

    Journal(Family family, boolean created) {
      this.family = family;
      this.created = created;
      this.samples = family.samples.size();
      this.natives = family.natives.size();
    }
  }

  private Journal journal;

  private void rollBack(Map<String, Family> families) {
    Journal j = journal;
    journal = null;
    if (j == null) {
      return;
    }
    j.family.samples.subList(j.samples, j.family.samples.size()).clear();
    j.family.natives.subList(j.natives, j.family.natives.size()).clear();
    j.keys.forEach(j.family.seriesKeys::remove);
    if (j.created) {
      families.remove(j.family.first.family);
    }
  }

  private Family family(Map<String, Family> families, MetricState state) {
    journal = null;
    Family family = families.get(state.family);
    if (family == null) {
      if (targetInfoEnabled
          && (TARGET_FAMILY.equals(state.family) || TARGET_INFO.equals(state.family))) {
        log.warn(
            Reason.FAMILY_CONFLICT,
            "Metric '" + state.otelName + "' maps to '" + state.family
                + "', reserved for target_info; left out",
            null);
        return null;
      }
      family = new Family(state);
      families.put(state.family, family);
      journal = new Journal(family, true);
      return family;
    }
    if (family.first.type != state.type
        || family.first.exponential != state.exponential
        || !family.first.unit.equals(state.unit)) {
      log.warn(
          Reason.FAMILY_CONFLICT,
          "Metrics '"
              + family.first.otelName
              + "' and '"
              + state.otelName
              + "' both map to Prometheus family '"
              + state.family
              + "' with different types, units or histogram kinds (explicit or exponential);"
              + " the second is left out",
          null);
      return null;
    }
    journal = new Journal(family, false);
    return family;
  }

  private MetricState state(MetricData metric, Collector.Type type, boolean gauge) {
    return state(metric, type, gauge, false);
  }

  private MetricState state(
      MetricData metric, Collector.Type type, boolean gauge, boolean exponential) {
    MetricKey key =
        new MetricKey(
            metric.getInstrumentationScopeInfo(),
            metric.getName(),
            metric.getUnit(),
            type,
            exponential);
    MetricState state = metrics.get(key);
    if (state == null) {
      state = new MetricState(metric, type, gauge, exponential);
      metrics.put(key, state);
    }
    state.epoch = epoch;
    return state;
  }

  private Series series(MetricState state, Attributes attributes) {
    Series series = state.series.get(attributes);
    if (series == null) {
      series = newSeries(state, attributes);
      state.series.put(attributes, series);
    }
    if (series.epoch != epoch) {
      series.epoch = epoch;
      state.seen++;
    }
    return series;
  }

  private Series newSeries(MetricState state, Attributes attributes) {
    List<String> names = new ArrayList<>(attributes.size() + 2);
    List<String> values = new ArrayList<>(attributes.size() + 2);
    attributes.forEach(
        (key, value) -> {
          String name = labelName(key);
          if (name.isEmpty()) {
            return;
          }
          if (state.isReserved(name)) {
            log.warn(
                Reason.RESERVED_LABEL_DROPPED,
                "Attribute '"
                    + key.getKey()
                    + "' of metric '"
                    + state.otelName
                    + "' maps to the reserved label '"
                    + name
                    + "' and is dropped",
                null);
            return;
          }
          String text = valueString(value);
          int existing = names.indexOf(name);
          if (existing >= 0) {
            // Keys that sanitize to the same label: values joined in key order, as the spec says.
            values.set(existing, values.get(existing) + ";" + text);
          } else {
            names.add(name);
            values.add(text);
          }
        });
    names.addAll(state.scopeNames);
    values.addAll(state.scopeValues);
    return new Series(Collections.unmodifiableList(names), Collections.unmodifiableList(values));
  }

  private String labelName(AttributeKey<?> key) {
    String raw = key.getKey();
    String cached = labelNameCache.get(raw);
    if (cached != null) {
      return cached;
    }
    String name = PrometheusNames.labelName(raw);
    if (labelNameCache.size() < MAX_CACHED_LABEL_NAMES) {
      labelNameCache.put(raw, name);
    }
    return name;
  }

  static String valueString(Object value) {
    if (value instanceof List) {
      StringBuilder json = new StringBuilder("[");
      List<?> list = (List<?>) value;
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          json.append(',');
        }
        Object element = list.get(i);
        if (element instanceof String) {
          json.append('"');
          String s = (String) element;
          for (int c = 0; c < s.length(); c++) {
            char ch = s.charAt(c);
            if (ch == '"' || ch == '\\') {
              json.append('\\');
            }
            json.append(ch);
          }
          json.append('"');
        } else {
          json.append(element);
        }
      }
      return json.append(']').toString();
    }
    return String.valueOf(value);
  }

  /**
   * Returns {@code target_info} with one sample per distinct resource of the collection (labels
   * from the resource attributes); resources whose labels are equal give one sample. Samples are
   * cached per resource.
   */
  private MetricFamilySamples targetInfo(Set<Resource> resources) {
    Map<Resource, Sample> next = new HashMap<>();
    List<Sample> samples = new ArrayList<>(resources.size());
    Set<SeriesKey> keys = new HashSet<>();
    for (Resource resource : resources) {
      Sample sample = targetSamples.get(resource);
      if (sample == null) {
        sample = targetSample(resource);
      }
      next.put(resource, sample);
      if (keys.add(seriesKey(sample.labelNames, sample.labelValues))) {
        samples.add(sample);
      }
    }
    targetSamples = next;
    return new MetricFamilySamples(
        TARGET_FAMILY, Collector.Type.INFO, "Target metadata", samples);
  }

  private static Sample targetSample(Resource resource) {
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    resource
        .getAttributes()
        .forEach(
            (key, value) -> {
              String name = PrometheusNames.labelName(key.getKey());
              if (name.isEmpty()) {
                return;
              }
              int existing = names.indexOf(name);
              if (existing >= 0) {
                values.set(existing, values.get(existing) + ";" + valueString(value));
              } else {
                names.add(name);
                values.add(valueString(value));
              }
            });
    return new Sample(
        TARGET_INFO, Collections.unmodifiableList(names), Collections.unmodifiableList(values), 1);
  }

  /** Label names and values as alternating list, sorted by name: the identity of a series. */
  static SeriesKey seriesKey(List<String> names, List<String> values) {
    Integer[] order = new Integer[names.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> names.get(a).compareTo(names.get(b)));
    String[] key = new String[2 * order.length];
    for (int i = 0; i < order.length; i++) {
      key[2 * i] = names.get(order[i]);
      key[2 * i + 1] = values.get(order[i]);
    }
    return new SeriesKey(Arrays.asList(key));
  }

  /** The sorted labels of a series, with the hash computed once (checked at every scrape). */
  static final class SeriesKey {
    private final List<String> labels;
    private final int hash;

    SeriesKey(List<String> labels) {
      this.labels = labels;
      this.hash = labels.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SeriesKey
          && ((SeriesKey) o).hash == hash
          && ((SeriesKey) o).labels.equals(labels);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return labels.toString();
    }
  }

  private void sweep() {
    Iterator<MetricState> states = metrics.values().iterator();
    while (states.hasNext()) {
      MetricState state = states.next();
      if (state.epoch != epoch) {
        states.remove();
        continue;
      }
      if (state.seen != state.series.size()) {
        state.series.values().removeIf(s -> s.epoch != epoch);
      }
      state.seen = 0;
    }
  }

  private static List<String> append(List<String> list, String value) {
    String[] array = list.toArray(new String[list.size() + 1]);
    array[list.size()] = value;
    return Arrays.asList(array);
  }

  /** Identity of a metric stream for the caches. */
  private record MetricKey(
      InstrumentationScopeInfo scope,
      String name,
      String unit,
      Collector.Type type,
      boolean exponential) {}

  /** Naming and series caches of one metric stream. */
  private final class MetricState {
    final String otelName;
    final String family;
    final String unit;
    final Collector.Type type;
    final boolean exponential;
    final String help;
    final String sampleName;
    final String bucketName;
    final String countName;
    final String sumName;
    final List<String> writtenNames;
    final List<String> scopeNames;
    final List<String> scopeValues;
    final Map<Attributes, Series> series = new HashMap<>();
    long epoch;
    int seen;

    MetricState(MetricData metric, Collector.Type type, boolean gauge, boolean exponential) {
      this.otelName = metric.getName();
      this.type = type;
      this.exponential = exponential;
      String unitWord = PrometheusNames.unit(metric.getUnit(), gauge);
      this.family =
          PrometheusNames.familyName(metric.getName(), unitWord, type == Collector.Type.COUNTER);
      // The unit is metadata only while it is the family name's suffix (OpenMetrics); a counter
      // in unit "total" loses that suffix with the _total stripping.
      this.unit = family.endsWith("_" + unitWord) ? unitWord : "";
      String description = metric.getDescription();
      this.help = description == null || description.isEmpty() ? metric.getName() : description;
      this.sampleName = type == Collector.Type.COUNTER ? family + "_total" : family;
      this.bucketName = family + "_bucket";
      this.countName = family + "_count";
      this.sumName = family + "_sum";
      this.writtenNames = writtenNames(type, family);
      InstrumentationScopeInfo scope = metric.getInstrumentationScopeInfo();
      if (scopeLabelsEnabled) {
        List<String> names = new ArrayList<>(4);
        List<String> values = new ArrayList<>(4);
        names.add(SCOPE_NAME_LABEL);
        values.add(scope.getName());
        if (scope.getVersion() != null && !scope.getVersion().isEmpty()) {
          names.add(SCOPE_VERSION_LABEL);
          values.add(scope.getVersion());
        }
        if (scope.getSchemaUrl() != null && !scope.getSchemaUrl().isEmpty()) {
          names.add(SCOPE_SCHEMA_URL_LABEL);
          values.add(scope.getSchemaUrl());
        }
        scope
            .getAttributes()
            .forEach(
                (key, value) -> {
                  String label = PrometheusNames.labelName(key.getKey());
                  if (label.isEmpty()) {
                    return;
                  }
                  label = SCOPE_ATTRIBUTE_PREFIX + label;
                  if (!names.contains(label)) {
                    names.add(label);
                    values.add(valueString(value));
                  }
                });
        this.scopeNames = List.copyOf(names);
        this.scopeValues = List.copyOf(values);
      } else {
        this.scopeNames = List.of();
        this.scopeValues = List.of();
      }
    }

    /**
     * Names this family writes in either format: the family name, its sample names and, for
     * text 0.0.4, the {@code _total} name of counters; {@code _created} is reserved as well.
     */
    private static List<String> writtenNames(Collector.Type type, String family) {
      switch (type) {
        case COUNTER:
          return List.of(family, family + "_total", family + "_created");
        case HISTOGRAM:
          return List.of(
              family, family + "_bucket", family + "_count", family + "_sum", family + "_created");
        case SUMMARY:
          return List.of(family, family + "_count", family + "_sum", family + "_created");
        default:
          return List.of(family);
      }
    }

    boolean isReserved(String label) {
      if (scopeNames.contains(label)) {
        return true;
      }
      return (type == Collector.Type.HISTOGRAM && LE.equals(label))
          || (type == Collector.Type.SUMMARY && QUANTILE.equals(label));
    }
  }

  /** Cached label lists of one series. */
  private static final class Series {
    final List<String> names;
    final List<String> values;
    final SeriesKey key;
    List<Double> boundaries;
    List<String> bucketNames;
    List<List<String>> bucketValues;
    long epoch;
    // The most recent exemplar per bucket and of the counter, kept across collections until a
    // newer one replaces it: the SDK resets its reservoirs at every collection, and a scrape that
    // cannot carry exemplars (text 0.0.4) must not take them from the next OpenMetrics scraper.
    Exemplar[] bucketExemplars;
    long[] bucketExemplarNanos;
    Exemplar counterExemplar;
    long counterExemplarNanos;

    Series(List<String> names, List<String> values) {
      this.names = names;
      this.values = values;
      this.key = seriesKey(names, values);
    }

    /** Returns the newest exemplar this counter series has seen, replaced by newer ones. */
    Exemplar retainCounterExemplar(List<? extends ExemplarData> exemplars) {
      ExemplarData newest = newestValid(exemplars);
      if (newest != null
          && (counterExemplar == null || newest.getEpochNanos() >= counterExemplarNanos)) {
        counterExemplar = exemplar(value(newest), newest);
        counterExemplarNanos = newest.getEpochNanos();
      }
      return counterExemplar;
    }

    /**
     * Returns, per bucket, the newest exemplar whose value fell in it in this or an earlier
     * collection (null entries for buckets without one), or null when no bucket has one. Call
     * after {@link #ensureBuckets}.
     */
    Exemplar[] retainBucketExemplars(
        List<Double> boundaries, List<DoubleExemplarData> exemplars) {
      for (DoubleExemplarData e : exemplars) {
        if (!e.getSpanContext().isValid()) {
          continue;
        }
        int bucket = bucketIndex(boundaries, e.getValue());
        if (bucketExemplars == null) {
          bucketExemplars = new Exemplar[boundaries.size() + 1];
          bucketExemplarNanos = new long[boundaries.size() + 1];
        }
        if (bucketExemplars[bucket] == null || bucketExemplarNanos[bucket] <= e.getEpochNanos()) {
          bucketExemplars[bucket] = exemplar(e.getValue(), e);
          bucketExemplarNanos[bucket] = e.getEpochNanos();
        }
      }
      return bucketExemplars;
    }

    void ensureBuckets(List<Double> newBoundaries) {
      if (newBoundaries == boundaries || newBoundaries.equals(boundaries)) {
        boundaries = newBoundaries;
        return;
      }
      bucketNames = append(names, LE);
      List<List<String>> bucketLabelValues = new ArrayList<>(newBoundaries.size() + 1);
      for (Double bound : newBoundaries) {
        bucketLabelValues.add(append(values, formatBound(bound)));
      }
      bucketLabelValues.add(append(values, INF));
      bucketValues = bucketLabelValues;
      boundaries = newBoundaries;
      bucketExemplars = null; // they belonged to the old buckets
      bucketExemplarNanos = null;
    }
  }

  /** Samples of one Prometheus family, possibly from several scopes. */
  private static final class Family {
    final MetricState first;
    final List<Sample> samples = new ArrayList<>();
    final List<NativePoint> natives = new ArrayList<>();
    final Set<SeriesKey> seriesKeys = new HashSet<>();

    Family(MetricState first) {
      this.first = first;
    }

    MetricFamilySamples toSamples() {
      return new MetricFamilySamples(first.family, first.unit, first.type, first.help, samples);
    }

    NativeFamily toNative() {
      return new NativeFamily(first.family, first.help, List.copyOf(natives));
    }
  }
}
